"""The granian front: a Rust HTTP/1.1 server with keep-alive, adapted to a runaway-proof endpoint.

Request threads get deep stacks (``request_thread_stacks``), workers run under the batch
scheduling policy (``batch_scheduling``), and three changes to granian's process server, each
tested in ``tests/endpoint/test_granian.py``:

- sockets: the master opens one SO_REUSEPORT socket per worker slot and keeps it, so the
  kernel spreads connections over the workers and a worker being replaced leaves its
  connections queued, not reset (``listening_sockets``, ``_granian_server``);
- respawning: a worker that retired after a runaway query is always replaced, however soon
  after its own start (``_KeepRespawning``);
- the WSGI runner is ours (``wsgi_runner``): it hands the app granian's response handle, with
  which the watchdog answers 503 for a request thread stuck in the engine.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

from server.runtime.retire import GRANIAN_HANDLE, draining

REQUEST_STACK_BYTES = 64 * 1024 * 1024  # virtual; only the pages a query touches are committed


def request_thread_stacks() -> None:
    """Give granian's request threads stacks as deep as the longest query run on them needs.

    They are Rust threads, 2 MiB by default, and a 4,000-character operator chain overflows that
    in the engine's parser. Rust reads ``RUST_MIN_STACK`` once per process, at its first thread,
    and workers inherit the master's reading: call this before anything starts a Rust thread
    (loading the store does). A larger value set by the operator is kept.
    """
    current = os.environ.get("RUST_MIN_STACK", "")
    if not (current.isdigit() and int(current) >= REQUEST_STACK_BYTES):
        os.environ["RUST_MIN_STACK"] = str(REQUEST_STACK_BYTES)


def batch_scheduling() -> bool:
    """Put the calling thread, and every thread and process it starts later, under SCHED_BATCH.

    A request thread answers through granian's ``response_bytes``, which wakes the worker's
    runtime thread while the GIL is still held. Under the default policy the woken thread
    preempts the caller on its CPU, and the worker's other request thread then waits for a GIL
    whose holder is not running: py-spy put ~32% of the GIL-held time of a loaded worker inside
    that call. Batch threads do not preempt on wake-up (they still share CPU time fairly and
    are preempted at the end of their slice). Returns False where the policy is unavailable.
    """
    policy = getattr(os, "SCHED_BATCH", None)
    if policy is None:
        return False
    try:
        os.sched_setscheduler(0, policy, os.sched_param(0))
    except OSError:  # refused (a sandbox's seccomp profile): the default policy stays
        return False
    return True


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


class _Start:
    """``start_response`` for one request: keeps the status code and the headers."""

    __slots__ = ("headers", "status")

    def __init__(self) -> None:
        self.status, self.headers = 200, []

    def __call__(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        self.status, self.headers = int(status[:3]), headers


class _Body:
    """A streamed body as granian reads it: ``__next__`` for each chunk, then ``close``."""

    __slots__ = ("__next__", "_inner")

    def __init__(self, inner: Iterable[bytes]) -> None:
        self._inner = inner
        self.__next__ = iter(inner).__next__

    def close(self) -> None:
        """Close the app's body (its on-close actions run here)."""
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


def _with_close(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``headers`` with ``Connection: close`` (once)."""
    if any(name.lower() == "connection" for name, _ in headers):
        return [(n, "close" if n.lower() == "connection" else v) for n, v in headers]
    return [*headers, ("Connection", "close")]


def wsgi_runner(app: Callable, script_name: str = "") -> Callable[[Any, dict], int]:
    """What granian calls for each request: the WSGI call of ``app``, answered on ``handle``.

    The environ is granian's request scope plus the WSGI keys (granian's own runner also copies
    the whole process environment into every request, which costs time and shows the server's
    environment to the app). ``GRANIAN_HANDLE`` gives the app the handle itself, so that the
    watchdog can answer for a request thread stuck in the engine: ``response_bytes`` may be
    called from any thread and only the first answer is sent. While the worker retires
    (``server.runtime.retire.draining``) every response closes its connection.
    """
    base = {
        "SCRIPT_NAME": script_name, "SERVER_SOFTWARE": "Granian", "wsgi.errors": sys.stderr,
        "wsgi.input_terminated": True, "wsgi.multiprocess": True, "wsgi.multithread": True,
        "wsgi.run_once": False, "wsgi.version": (1, 0),
    }

    def run(handle: Any, scope: dict[str, Any]) -> int:
        environ = base | scope
        environ[GRANIAN_HANDLE] = handle
        if script_name:
            environ["PATH_INFO"] = scope["PATH_INFO"][len(script_name):] or "/"
        start = _Start()
        body = app(environ, start)
        if draining():  # this worker is retiring: the client must not reuse the connection
            start.headers = _with_close(start.headers)
        if isinstance(body, list):
            handle.response_bytes(start.status, start.headers, b"".join(body))
        else:
            handle.response_iter(start.status, start.headers, _Body(body))
        return start.status

    return run


def access_line(scope: dict[str, Any], status: int, seconds: float) -> None:
    """One access-log line for a request (granian's ``granian.access`` logger, on stdout)."""
    query = scope.get("QUERY_STRING")
    target = scope.get("PATH_INFO", "") + (f"?{query}" if query else "")
    logging.getLogger("granian.access").info(
        '%s - [%s] "%s %s %s" %d %.1f ms', scope.get("REMOTE_ADDR", "-"),
        time.strftime("%d/%b/%Y:%H:%M:%S %z"), scope.get("REQUEST_METHOD", "-"), target,
        scope.get("SERVER_PROTOCOL", "-"), status, seconds * 1000)


def _use_own_runner() -> None:
    """Make granian's workers serve each request with ``wsgi_runner`` (they fork after this);
    with an access-log format, each request is logged as granian's own runner would."""
    import granian.server.mp as granian_mp

    def build(callback: Callable, scope_opts: dict[str, Any], access_log_fmt: Any = None) -> Any:
        run = wsgi_runner(callback, scope_opts.get("url_path_prefix") or "")
        if not access_log_fmt:
            return run

        def logged(handle: Any, scope: dict[str, Any]) -> int:
            clock, status = time.perf_counter(), 500
            try:
                status = run(handle, scope)
            finally:
                access_line(scope, status, time.perf_counter() - clock)
            return status

        return logged

    granian_mp._wsgi_call_wrap = build


def serve_granian(app: Flask, host: str, port: int, workers: int, threads: int,
                  access_log: bool = False, on_ready: Callable[[], None] | None = None) -> None:
    """Serve ``app`` under granian until interrupted (``workers`` processes × ``threads``).

    ``on_ready`` runs in the master once its sockets listen, before the workers start.
    """
    from granian.constants import Interfaces

    _use_own_runner()
    if app.config["DLBIO_BATCH_SCHEDULING"] and not batch_scheduling():
        app.logger.warning("SCHED_BATCH is not available here: workers keep the default policy")

    server = _granian_server()(
        "server:create_app", address=host, port=port, interface=Interfaces.WSGI,
        workers=workers, blocking_threads=threads, websockets=False,
        respawn_failed_workers=True, workers_kill_timeout=5,
        log_level="warning",  # type: ignore[arg-type]
        log_access=access_log,
    )
    server.respawned_wrks = _KeepRespawning()
    if on_ready is not None:
        server.on_startup(on_ready)
    server.serve(target_loader=lambda _target: app)
