"""``dlbio serve`` as a user runs it: the ready line, the access log, Ctrl-C, a port in use.

Each test starts the real command in a subprocess on a loopback port.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from flask import Flask

from server import create_app
from server.runtime.ready import prepare_pages
from tests.endpoint.conftest import FIXTURES, ROOT

DLBIO = Path(sys.executable).parent / "dlbio"
READY = re.compile(
    r"DLBio-KG serving (http://127\.0\.0\.1:\d+/) \(SPARQL: \1sparql\); press Ctrl-C to stop"
)


def _serve(*args: str) -> list[str]:
    load = str(FIXTURES / "protocol.trig")
    return [str(DLBIO), "serve", "--workers", "1", "--load", load, *args]


@contextmanager
def _started(*args: str) -> Iterator[tuple[subprocess.Popen, str]]:
    """The command running in its own process group (as a terminal runs it); yields the process
    and its ready line, and stops it with SIGINT to the group (what Ctrl-C sends)."""
    process = subprocess.Popen(
        _serve(*args), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )
    try:
        yield process, process.stdout.readline()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port another program listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


def test_prints_one_line_with_its_url_once_ready() -> None:
    with _started("--port", "0") as (process, line):
        match = READY.fullmatch(line.rstrip("\n"))
        assert match, line
        response = requests.get(match.group(1) + "sparql", params={"query": "ASK {}"}, timeout=30)
        assert response.status_code == 200
    assert process.returncode == 0
    assert "Traceback" not in process.stderr.read()


def test_access_log_writes_a_line_per_request() -> None:
    with _started("--port", "0", "--access-log") as (process, line):
        base = READY.fullmatch(line.rstrip("\n")).group(1)
        assert requests.get(base + "void", timeout=30).status_code == 200
        logged = process.stdout.readline()
    assert re.search(r'"GET /void HTTP/1\.1" 200 ', logged), logged


def test_without_access_log_nothing_is_logged_per_request() -> None:
    with _started("--port", "0") as (process, line):
        base = READY.fullmatch(line.rstrip("\n")).group(1)
        assert requests.get(base + "void", timeout=30).status_code == 200
    assert "/void" not in process.stdout.read() + process.stderr.read()


def test_port_in_use_is_one_clear_line(busy_port: int) -> None:
    done = subprocess.run(
        _serve("--port", str(busy_port)), cwd=ROOT, capture_output=True,
        text=True, timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"dlbio serve: port {busy_port} on 127.0.0.1 is already in use (another server is "
        f"listening there): stop it, or choose another port with --port {busy_port + 1} "
        f"(make serve: PORT={busy_port + 1})\n"
    )


def test_unknown_host_is_one_clear_line() -> None:
    done = subprocess.run(
        _serve("--host", "no-such-host.invalid", "--port", "0"), cwd=ROOT, capture_output=True,
        text=True, timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "unknown host 'no-such-host.invalid'" in done.stderr


@pytest.fixture
def fresh_app() -> Flask:
    return create_app({"DLBIO_LOAD": [str(FIXTURES / "protocol.trig")], "TESTING": True})


def test_pages_are_prepared_before_the_workers_fork(fresh_app: Flask) -> None:
    assert "dlbio_ld_index" not in fresh_app.extensions
    prepare_pages(fresh_app)
    assert "dlbio_ld_index" in fresh_app.extensions
    compiled = {template.name for template in fresh_app.jinja_env.cache.values()}
    assert {"entity.html", "methods.html", "home.html", "query.html"} <= compiled
