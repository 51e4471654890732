"""Run the endpoint (what ``dlbio serve`` calls) under granian, through its public API only.

The app is built once in the master (so a missing release fails fast with a clear message) and
granian's workers are forked from it, sharing the in-memory store and the shared release
generation. Each worker serves HTTP/1.1 with keep-alive on ``threads`` request threads; a query
runs on a helper thread under its deadline (``server.runtime.deadline``), and a worker whose
query hit the deadline answers 503, stops (SIGTERM, as granian stops a worker) and is respawned
by granian (``respawn_failed_workers``); workers retire one at a time (``server.runtime.turns``).

>>> run(port=8000, load=["tests/endpoint/fixtures/protocol.trig"])  # doctest: +SKIP
"""

from __future__ import annotations

import errno
import gc
import os
import socket
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

from flask import Flask
from granian.constants import Interfaces
from granian.server import Server

from server import create_app
from server.runtime.ready import prepare_pages

FRONT = "granian"
WORKERS_KILL_TIMEOUT = 5  # seconds granian gives a stopping worker before it kills it


class PortUnavailable(Exception):
    """The address cannot be listened on (in use, not local, or privileged): one line to show."""


def url(host: str, port: int) -> str:
    """The base URL served at ``host:port`` (IPv6 addresses in brackets)."""
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def ready_line(host: str, port: int) -> str:
    """The one line ``dlbio serve`` prints once it listens."""
    base = url(host, port)
    return f"DLBio-KG serving {base} (SPARQL: {base}sparql); press Ctrl-C to stop"


def _announce_when_listening(host: str, port: int, patience: float = 60.0) -> None:
    """Print ``ready_line`` once a worker accepts connections (granian's workers open the
    listening sockets after the master's startup hooks), from a thread of the master."""

    def wait() -> None:
        stop = time.monotonic() + patience
        while time.monotonic() < stop:
            try:
                socket.create_connection((host, port), timeout=1).close()
            except OSError:
                time.sleep(0.05)
                continue
            print(ready_line(host, port), file=sys.stdout, flush=True)
            return

    threading.Thread(target=wait, name="dlbio-ready", daemon=True).start()


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


def default_workers() -> int:
    """One worker per CPU (request threads add concurrency within each)."""
    return os.cpu_count() or 1


def batch_scheduling() -> bool:
    """Put the calling process, and every thread and process it starts later, under SCHED_BATCH.

    A request thread handing its answer to granian wakes the worker's runtime thread while it
    still holds the GIL; under the default policy the woken thread preempts it, and the worker's
    other request thread waits for a GIL whose holder is not running. Batch threads do not
    preempt on wake-up. Returns False where the policy is unavailable.
    """
    policy = getattr(os, "SCHED_BATCH", None)
    if policy is None:
        return False
    try:
        os.sched_setscheduler(0, policy, os.sched_param(0))
    except OSError:  # refused (a sandbox's seccomp profile): the default policy stays
        return False
    return True


def run(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int | None = None,
    load: Sequence[str] = (),
    kg_dir: str | None = None,
    timeout: float | None = None,
    threads: int | None = None,
    access_log: bool = False,
) -> None:
    """Serve the KG (or the ``load`` files) at ``http://host:port/sparql`` until interrupted.

    Prints ``ready_line`` once listening; ``access_log`` writes one line per request to stdout.
    Raises ``PortUnavailable`` (before loading anything) when the address cannot be bound and
    ``server.graph.store.KGError`` before listening when the data cannot be opened.
    """
    with bind(host, port) as probe:  # fail fast, with one line; port 0 picks a free port
        port = probe.getsockname()[1]
    app = _prepared_app(load, kg_dir, timeout)
    if app.config["DLBIO_BATCH_SCHEDULING"] and not batch_scheduling():
        app.logger.warning("SCHED_BATCH is not available here: workers keep the default policy")
    workers = workers or default_workers()
    # before the fork: the workers share the retirement baton
    app.extensions["dlbio_sparql"].deadlines.take_turns(workers)
    server = Server(
        "server:create_app", address=host, port=port, interface=Interfaces.WSGI,
        workers=workers, blocking_threads=threads or app.config["DLBIO_THREADS"],
        websockets=False, respawn_failed_workers=True, workers_kill_timeout=WORKERS_KILL_TIMEOUT,
        log_level="warning",  # type: ignore[arg-type]
        log_access=access_log,
    )
    server.on_startup(lambda: _announce_when_listening(host, port))
    try:
        server.serve(target_loader=lambda _target: app)
    except OSError as exc:  # the port was taken in between
        raise unavailable(host, port, exc) from None


def _prepared_app(load: Sequence[str], kg_dir: str | None, timeout: float | None) -> Flask:
    """The app, with what its pages need built, ready to be forked."""
    overrides: dict[str, Any] = {}
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
