"""Run the endpoint (what ``dlbio serve`` calls), under one of two pre-fork fronts.

The app is built once in the master (so a missing release fails fast with a clear message) and
the workers are forked from it, sharing the in-memory store and the shared release generation.

- ``gunicorn`` (default): sync workers, one request per process and no keep-alive. A worker
  that hits the deadline exits right after its 503, which costs no other request.
- ``granian`` (opt-in, for throughput): a Rust HTTP/1.1 server with keep-alive; each worker runs
  ``threads`` Python threads and accepts from its own socket of a SO_REUSEPORT group the master
  holds (so connections spread over the workers and wait while a worker is replaced). Short
  queries run on the request thread; at the deadline the watchdog answers 503 through granian's
  handle of the request, and the worker *retires* (``server.runtime.retire``): it stops accepting, lets
  its other requests finish (up to ``RETIRE_GRACE`` s, so the CPU is freed within 1 s) and
  exits; the master forks a new one. A request that arrives on a kept-alive connection of the
  retiring worker at that instant is closed unanswered — the one way this front can fail a
  request that gunicorn's would not (measured in ``bench/RELIABILITY.md``).

>>> run(port=8000, load=["tests/endpoint/fixtures/protocol.trig"])  # doctest: +SKIP
"""

from __future__ import annotations

import errno
import gc
import os
import signal
import socket
import sys
from collections.abc import Sequence
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from server import create_app
from server.runtime.granian_front import request_thread_stacks, serve_granian
from server.runtime.ready import prepare_pages

FRONTS = ("gunicorn", "granian")

MAX_REQUEST_LINE = 8190  # gunicorn's ceiling; longer queries must be POSTed


class PortUnavailable(Exception):
    """The address cannot be listened on (in use, not local, or privileged): one line to show."""


def url(host: str, port: int) -> str:
    """The base URL served at ``host:port`` (IPv6 addresses in brackets)."""
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def ready_line(host: str, port: int, front: str) -> str:
    """The one line ``dlbio serve`` prints once it listens."""
    base = url(host, port)
    return f"DLBio-KG serving {base} (SPARQL: {base}sparql, {front}); press Ctrl-C to stop"


def _announce(host: str, port: int, front: str) -> None:
    print(ready_line(host, port, front), file=sys.stdout, flush=True)


def unavailable(host: str, port: int, error: OSError) -> PortUnavailable:
    """The one-line explanation of a failed bind, suggesting ``--port`` / ``PORT=``."""
    other = f"--port {port + 1} (make serve: PORT={port + 1})"
    if error.errno == errno.EADDRINUSE:
        return PortUnavailable(f"port {port} on {host} is already in use (another server is "
                               f"listening there): stop it, or choose another port with {other}")
    if error.errno == errno.EACCES:
        return PortUnavailable(f"port {port} on {host} needs privileges: choose a port above "
                               f"1023 with {other}")
    return PortUnavailable(f"cannot listen on {host}:{port} ({error.strerror}): choose another "
                           "address with --host (make serve: HOST=127.0.0.1) or another port "
                           f"with {other}")


def bind(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` (not yet listening), as the fronts bind theirs.

    Raises ``PortUnavailable`` at once: no retries, no traceback.
    """
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror:
        raise PortUnavailable(f"cannot listen on {host}:{port}: unknown host {host!r} "
                              "(use an address such as 127.0.0.1 with --host)") from None
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise unavailable(host, port, exc) from None
    return sock


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


def gunicorn_options(host: str, port: int, workers: int, timeout: float,
                     access_log: bool = False) -> dict[str, Any]:
    """The gunicorn settings used by ``run`` (``bind`` is replaced by the socket ``run`` bound)."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "preload_app": True,
        # last-resort watchdog only: the query deadline is enforced by the app itself
        "timeout": int(max(300, 10 * timeout)),
        "graceful_timeout": 5,
        "limit_request_line": MAX_REQUEST_LINE,
        "accesslog": "-" if access_log else None,  # to stdout
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "dlbio-sparql",
    }


def run(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int | None = None,
    load: Sequence[str] = (),
    kg_dir: str | None = None,
    timeout: float | None = None,
    front: str | None = None,
    threads: int | None = None,
    access_log: bool = False,
) -> None:
    """Serve the KG (or the ``load`` files) at ``http://host:port/sparql`` until interrupted.

    ``front`` is ``gunicorn`` or ``granian`` (default: ``DLBIO_FRONT``, else gunicorn). Prints
    ``ready_line`` once listening; ``access_log`` writes one line per request to stdout.
    Raises ``PortUnavailable`` (before loading anything) when the address cannot be bound and
    ``server.graph.store.KGError`` before listening when the data cannot be opened.
    """
    front = front or os.environ.get("DLBIO_FRONT") or "gunicorn"
    if front not in FRONTS:
        raise ValueError(f"the front must be one of {', '.join(FRONTS)}, not {front!r}")
    if front == "granian":  # before the store is loaded: Rust reads it at its first thread
        request_thread_stacks()
    listener = bind(host, port)
    port = listener.getsockname()[1]
    try:
        app = _prepared_app(load, kg_dir, timeout, front)
    except BaseException:
        listener.close()
        raise
    workers = workers or default_workers(front)
    if front == "granian":
        listener.close()  # granian binds its own group of sockets on the same port
        try:
            serve_granian(app, host, port, workers, threads or app.config["DLBIO_THREADS"],
                          access_log, on_ready=lambda: _announce(host, port, front))
        except OSError as exc:  # the port was taken in between
            raise unavailable(host, port, exc) from None
        return
    options = gunicorn_options(host, port, workers, app.config["DLBIO_QUERY_TIMEOUT"], access_log)
    options["bind"] = f"fd://{listener.detach()}"
    options["when_ready"] = lambda arbiter: _gunicorn_ready(arbiter, host, port)
    options["post_worker_init"] = _leave_interrupt_to_the_master
    _Gunicorn(app, options).run()


def _gunicorn_ready(arbiter: Any, host: str, port: int) -> None:
    """Announce the URL; make Ctrl-C a graceful stop: workers end their current request."""
    arbiter.handle_int = arbiter.handle_term
    _announce(host, port, "gunicorn")


def _leave_interrupt_to_the_master(worker: Any) -> None:
    """Ctrl-C reaches the whole process group: a worker ignores it and stops when the master
    tells it to, after its current request (no traceback from a request cut short)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _prepared_app(load: Sequence[str], kg_dir: str | None, timeout: float | None,
                  front: str) -> Flask:
    """The app, with what its pages need built, ready to be forked."""
    overrides: dict[str, Any] = {"_FRONT": front}
    if load:
        overrides["DLBIO_LOAD"] = list(load)
    if kg_dir:
        overrides["DLBIO_KG_DIR"] = kg_dir
    if timeout is not None:
        overrides["DLBIO_QUERY_TIMEOUT"] = timeout
    app = create_app(overrides)
    prepare_pages(app)
    gc.freeze()  # what the master built stays out of the workers' GC passes (and pages stay shared)
    reloader = app.extensions.get("dlbio_reloader")
    if reloader is not None:  # the master follows rebuilds too: workers forked later start new
        reloader.ensure_thread()
    return app
