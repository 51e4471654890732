"""Start the real server (``dlbio serve``'s code path) on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from kg.paths import PROJECT_ROOT


def free_port() -> int:
    """A currently free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(base: str, process: subprocess.Popen, log: Path, deadline: float = 120) -> None:
    stop = time.monotonic() + deadline
    while time.monotonic() < stop:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early: {log.read_text()}")
        try:
            requests.get(f"{base}/sparql", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not come up: {log.read_text()}")


def worker_pids(master: int) -> list[str]:
    """The process ids of ``master``'s children (the server's workers), from /proc."""
    return Path(f"/proc/{master}/task/{master}/children").read_text().split()


@dataclass(frozen=True)
class ServerProcess:
    """A running server: its base URL and its master's process id."""

    base: str
    pid: int


@contextmanager
def server_process(
    log_dir: Path,
    *,
    kg_dir: Path | None = None,
    load: Sequence[str] = (),
    workers: int = 2,
    timeout: float | None = None,
    env: Mapping[str, str] | None = None,
) -> Iterator[ServerProcess]:
    """Run ``server.runtime.serve.run`` in a subprocess until the block ends."""
    port = free_port()
    kg = str(kg_dir) if kg_dir else None
    code = (
        "from server.runtime.serve import run; "
        f"run(port={port}, workers={workers}, load={list(load)!r}, kg_dir={kg!r}, timeout={timeout!r})"
    )
    log = log_dir / f"server-{port}.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=PROJECT_ROOT,
            env={**os.environ, **(env or {})},
            stderr=stderr,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        yield ServerProcess(base, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=15)


@contextmanager
def live_server(log_dir: Path, **options: object) -> Iterator[str]:
    """Like :func:`server_process`, yielding just the base URL."""
    with server_process(log_dir, **options) as running:
        yield running.base
