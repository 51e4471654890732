"""Run the endpoint (what ``dlbio serve`` calls), under one of two pre-fork fronts.

The app is built once in the master (so a missing release fails fast with a clear message) and
the workers are forked from it, sharing the in-memory store and the shared release generation.

- ``gunicorn`` (default): sync workers, one request per process and no keep-alive. A worker
  that hits the deadline exits right after its 503, which costs no other request.
- ``granian`` (opt-in, for throughput): a Rust HTTP/1.1 server with keep-alive; each worker runs
  ``threads`` Python threads and accepts from its own socket of a SO_REUSEPORT group the master
  holds (so connections spread over the workers and wait while a worker is replaced). Short
  queries run on the request thread; at the deadline the watchdog answers 503 through granian's
  handle of the request, and the worker *retires* (``server.retire``): it stops accepting, lets
  its other requests finish (up to ``RETIRE_GRACE`` s, so the CPU is freed within 1 s) and
  exits; the master forks a new one. A request that arrives on a kept-alive connection of the
  retiring worker at that instant is closed unanswered — the one way this front can fail a
  request that gunicorn's would not (measured in ``bench/RELIABILITY.md``).

>>> run(port=8000, load=["tests/endpoint/fixtures/protocol.trig"])  # doctest: +SKIP
"""

from __future__ import annotations

import gc
import os
import socket
from collections.abc import Sequence
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from server import create_app
from server.retire import GRANIAN_HANDLE

FRONTS = ("gunicorn", "granian")

MAX_REQUEST_LINE = 8190  # gunicorn's ceiling; longer queries must be POSTed


class _Gunicorn(BaseApplication):
    """A programmatic gunicorn application around an already built Flask app."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def default_workers(front: str = "gunicorn") -> int:
    """gunicorn sync: 2 per CPU plus 1; granian: one worker per CPU (threads add concurrency)."""
    cpus = os.cpu_count() or 1
    return cpus if front == "granian" else 2 * cpus + 1


def gunicorn_options(host: str, port: int, workers: int, timeout: float) -> dict[str, Any]:
    """The gunicorn settings used by ``run``."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "preload_app": True,
        # last-resort watchdog only: the query deadline is enforced by the app itself
        "timeout": int(max(300, 10 * timeout)),
        "graceful_timeout": 5,
        "limit_request_line": MAX_REQUEST_LINE,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "dlbio-sparql",
    }


class _KeepRespawning(dict):
    """granian's record of respawn times, blinded: granian gives up when a worker dies within
    5.5 s of its respawn, but ours end on purpose after every query that hits the deadline."""

    def get(self, key: Any, default: Any = None) -> float:
        return float("-inf")


def listening_sockets(host: str, port: int, backlog: int, count: int) -> list[socket.socket]:
    """``count`` listening sockets on one address, in one SO_REUSEPORT group.

    The kernel spreads new connections over the group by a hash of their addresses. The port is
    first bound alone, so a port that anything else listens on fails with EADDRINUSE here, as
    it would for one socket (a group would otherwise quietly share it with another server of
    the same user). Port 0 picks a free port for all of them.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
        port = probe.getsockname()[1]
    group = []
    try:
        for _ in range(count):
            sock = socket.socket(family, socket.SOCK_STREAM)
            group.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            sock.listen(backlog)
            sock.set_inheritable(True)
    except OSError:
        for sock in group:
            sock.close()
        raise
    return group


def _granian_server() -> type:
    """granian's process server, each worker on its own socket of a group the master holds.

    On Linux granian makes each worker open its own SO_REUSEPORT socket, so the connections queued
    at a worker that exits are reset, and with one worker new ones are refused until its
    successor listens. A single socket shared by all workers avoids that, but its connections go
    to whichever worker accepts first: one worker would take all of a burst of keep-alive
    connections and the other CPUs idle. Here the master opens the group: worker ``i`` (and each
    successor of it) accepts from socket ``i``, which stays open in the master, so connections
    wait in its queue while a worker is replaced, and the kernel spreads them over the workers.
    """
    from granian._granian import SocketHolder
    from granian.server import Server

    class GroupSocketServer(Server):  # type: ignore[misc, valid-type]
        def _init_shared_socket(self) -> None:
            sockets = listening_sockets(self.bind_addr, self.bind_port, self.backlog, self.workers)
            self._group = [(SocketHolder(sock.fileno(), False, self.backlog), sock)
                           for sock in sockets]
            self._ssp = None
            self._shd, self._sso = self._group[0]
            self._sfd = self._shd.get_fd()

        def _spawn_worker(self, idx: int, target: Any, callback_loader: Any) -> Any:
            self._shd, self._sso = self._group[idx]
            return super()._spawn_worker(idx, target, callback_loader)

        def _drop_shared_socket(self) -> None:
            for _, sock in self._group:
                sock.close()

    return GroupSocketServer


def _expose_granian_handle() -> None:
    """Put granian's response handle of each request into its environ (``GRANIAN_HANDLE``).

    granian's WSGI runner answers a request by calling ``response_bytes`` on that handle when the
    app returns; the handle lets the watchdog answer 503 for a request thread stuck in the engine.
    The runner builder is wrapped, not copied: the wrapper adds the key to the request's scope,
    which granian merges into the environ. Workers are forked after this, so they inherit it.
    """
    import granian.server.mp as granian_mp

    build_runner = granian_mp._wsgi_call_wrap
    if getattr(build_runner, "exposes_handle", False):
        return

    def build(callback: Any, scope_opts: Any, access_log_fmt: Any = None) -> Any:
        runner = build_runner(callback, scope_opts, access_log_fmt)

        def run(handle: Any, scope: dict[str, Any]) -> Any:
            scope[GRANIAN_HANDLE] = handle
            return runner(handle, scope)

        return run

    build.exposes_handle = True  # type: ignore[attr-defined]
    granian_mp._wsgi_call_wrap = build


def _serve_granian(app: Flask, host: str, port: int, workers: int, threads: int) -> None:
    from granian.constants import Interfaces

    _expose_granian_handle()

    server = _granian_server()(
        "server:create_app", address=host, port=port, interface=Interfaces.WSGI,
        workers=workers, blocking_threads=threads, websockets=False,
        respawn_failed_workers=True, workers_kill_timeout=5,
        log_level="warning",  # type: ignore[arg-type]
    )
    server.respawned_wrks = _KeepRespawning()
    server.serve(target_loader=lambda _target: app)


def run(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int | None = None,
    load: Sequence[str] = (),
    kg_dir: str | None = None,
    timeout: float | None = None,
    front: str | None = None,
    threads: int | None = None,
) -> None:
    """Serve the KG (or the ``load`` files) at ``http://host:port/sparql`` until interrupted.

    ``front`` is ``gunicorn`` or ``granian`` (default: ``DLBIO_FRONT``, else gunicorn).
    Raises ``server.store.KGError`` before binding when the data cannot be opened.
    """
    front = front or os.environ.get("DLBIO_FRONT") or "gunicorn"
    if front not in FRONTS:
        raise ValueError(f"the front must be one of {', '.join(FRONTS)}, not {front!r}")
    overrides: dict[str, Any] = {"_FRONT": front}
    if load:
        overrides["DLBIO_LOAD"] = list(load)
    if kg_dir:
        overrides["DLBIO_KG_DIR"] = kg_dir
    if timeout is not None:
        overrides["DLBIO_QUERY_TIMEOUT"] = timeout
    app = create_app(overrides)
    gc.freeze()  # what the master built stays out of the workers' GC passes (and pages stay shared)
    reloader = app.extensions.get("dlbio_reloader")
    if reloader is not None:  # the master follows rebuilds too: workers forked later start new
        reloader.ensure_thread()
    workers = workers or default_workers(front)
    if front == "granian":
        _serve_granian(app, host, port, workers, threads or app.config["DLBIO_THREADS"])
        return
    options = gunicorn_options(host, port, workers, app.config["DLBIO_QUERY_TIMEOUT"])
    _Gunicorn(app, options).run()
