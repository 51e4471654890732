"""The shared release generation (the cross-worker version barrier's memory)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from server.graph.generation import SharedGeneration
from server.graph.store import release_target


def test_raise_is_monotonic() -> None:
    shared = SharedGeneration()
    assert shared.read() == 0
    assert shared.raise_to(5) and shared.read() == 5
    assert not shared.raise_to(4) and shared.read() == 5


def test_forked_processes_share_it() -> None:
    shared = SharedGeneration()
    pid = os.fork()
    if pid == 0:  # the child publishes, as a worker would
        shared.raise_to(42)
        os._exit(0)
    os.waitpid(pid, 0)
    assert shared.read() == 42


def test_a_killed_holder_does_not_block_others() -> None:
    shared = SharedGeneration()
    pid = os.fork()
    if pid == 0:
        import fcntl

        fcntl.flock(shared._file.fileno(), fcntl.LOCK_EX)  # dies holding the lock
        os.kill(os.getpid(), 9)
    os.waitpid(pid, 0)
    assert shared.raise_to(3) and shared.read() == 3


def test_each_switch_of_the_symlink_is_a_newer_generation(tmp_path: Path) -> None:
    old, new = tmp_path / "r1", tmp_path / "r2"
    old.mkdir()
    new.mkdir()
    link = tmp_path / "current"
    generations = []
    for target in (old, new, old):  # switching back is a new generation too
        tmp = tmp_path / "current.tmp"
        tmp.symlink_to(target)
        tmp.replace(link)
        resolved, generation = release_target(str(link))
        assert resolved == str(target)
        generations.append(generation)
        time.sleep(0.01)
    assert generations == sorted(generations) and len(set(generations)) == 3
    assert release_target(str(old)) == (str(old), 0)  # a plain folder: no generation
