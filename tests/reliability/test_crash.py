"""Crash safety: a SIGKILLed worker costs at most its own request; a killed build changes nothing.

The worker test kills the worker that is running a long query (found as the child of the
master whose CPU time grows) while another client keeps querying: only the long request fails and
the master forks a replacement by itself. The build test kills ``dlbio build`` of a synthetic data
folder while it reads the data and again while it writes its release (``.staging-*``); ``current``
and the release it points to stay byte-identical, and the next build succeeds.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from invariants import RUNAWAY, assert_still_up
from liveserver import live_server

from kg.build import BuildResult
from kg.paths import PROJECT_ROOT

SYNTH = PROJECT_ROOT / "bench" / "build" / "synth.py"
DLBIO = Path(sys.executable).parent / "dlbio"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (the workers of a master)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def wait_for_workers(master: int, count: int, limit: float = 15) -> list[int]:
    """The master's workers once there are ``count`` of them (the front forks them one by one)."""
    stop = time.monotonic() + limit
    while len(workers := children(master)) != count:
        assert time.monotonic() < stop, f"{len(workers)} workers instead of {count}"
        time.sleep(0.05)
    return workers


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def busiest(pids: list[int], window: float = 0.5) -> int:
    """The process whose CPU time grows most over ``window`` seconds."""
    before = {pid: cpu_seconds(pid) for pid in pids}
    time.sleep(window)
    return max(pids, key=lambda pid: cpu_seconds(pid) - before[pid])


def master_pid(base: str) -> int:
    """The server's master listening on ``base``'s port (a ``python -c ...run(port=N...)``)."""
    port = base.rsplit(":", 1)[1]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if "server.runtime.serve import run" in cmdline and f"port={port}," in cmdline:
                return int(entry.name)
    raise AssertionError(f"no server master for port {port}")


def test_killing_a_busy_worker_costs_only_its_request(
    built_fixture: BuildResult, server_log: Path
) -> None:
    with live_server(server_log, kg_dir=built_fixture.release, workers=2, timeout=20) as base:
        master = master_pid(base)
        workers = wait_for_workers(master, 2)
        long_outcome: dict[str, object] = {}

        def long_request() -> None:
            long_outcome["started"] = time.monotonic()
            try:
                long_outcome["status"] = requests.post(
                    f"{base}/sparql", data={"query": RUNAWAY}, timeout=30).status_code
            except requests.RequestException as exc:
                long_outcome["error"] = type(exc).__name__
            long_outcome["seconds"] = time.monotonic() - long_outcome["started"]

        failures, answered, done = [], [], threading.Event()

        def other_client() -> None:
            while not done.is_set():
                answer = requests.get(f"{base}/sparql", params={"query": "ASK { ?s ?p ?o }"},
                                      timeout=30)
                (answered if answer.status_code == 200 else failures).append(answer.status_code)

        threads = [threading.Thread(target=long_request), threading.Thread(target=other_client)]
        for thread in threads:
            thread.start()
        victim = busiest(workers)
        os.kill(victim, signal.SIGKILL)
        threads[0].join(timeout=30)
        done.set()
        threads[1].join(timeout=30)
        # the killed request ends at once with a broken connection, long before its 20 s deadline
        assert "error" in long_outcome and long_outcome["seconds"] < 10, long_outcome
        assert failures == [] and len(answered) > 0
        for _ in range(10):
            assert_still_up(base)
        assert victim not in wait_for_workers(master, 2)


def release_digest(build_dir: Path) -> tuple[str, dict[str, str]]:
    """Where ``current`` points and the SHA-256 of every file of that release."""
    current = build_dir / "current"
    files = {str(p.relative_to(current)): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(current.rglob("*")) if p.is_file()}
    return os.readlink(current), files


def start_build(data: Path, build_dir: Path) -> subprocess.Popen:
    """``dlbio build --no-shacl`` in a subprocess."""
    return subprocess.Popen([str(DLBIO), "build", "--data", str(data), "--build-dir",
                             str(build_dir), "--no-shacl"], cwd=PROJECT_ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_when(process: subprocess.Popen, ready: Callable[[], bool], limit: float = 60) -> None:
    """SIGKILL ``process`` as soon as ``ready()`` holds; fail if it finished first."""
    stop = time.monotonic() + limit
    while not ready():
        assert process.poll() is None, "the build finished before it could be interrupted"
        assert time.monotonic() < stop
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL


def synth(out: Path, methods: int) -> Path:
    """A schema-valid synthetic data folder with ``methods`` methods."""
    subprocess.run([sys.executable, str(SYNTH), "--methods", str(methods), "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    return out


@pytest.mark.parametrize("moment", ["reading", "staging"])
def test_an_interrupted_build_leaves_current_intact(tmp_path: Path, moment: str) -> None:
    build_dir = tmp_path / "build"
    first = synth(tmp_path / "first", 600)
    assert start_build(first, build_dir).wait(timeout=120) == 0
    before = release_digest(build_dir)
    second = synth(tmp_path / "second", 800)
    started = time.monotonic()
    process = start_build(second, build_dir)
    if moment == "reading":
        kill_when(process, lambda: time.monotonic() - started > 0.3)
    else:
        kill_when(process, lambda: any((build_dir / "releases").glob(".staging-*/*")))
    assert release_digest(build_dir) == before
    assert start_build(second, build_dir).wait(timeout=120) == 0
    after = release_digest(build_dir)
    assert after[0] != before[0]
    manifest = json.loads((build_dir / "current" / "manifest.json").read_text())
    assert manifest["classes"]["http://schema.org/SoftwareApplication"] == 800
