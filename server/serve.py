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
from collections.abc import Sequence
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from server import create_app
from server.granian_front import request_thread_stacks, serve_granian

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
    if front == "granian":  # before the store is loaded: Rust reads it at its first thread
        request_thread_stacks()
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
        serve_granian(app, host, port, workers, threads or app.config["DLBIO_THREADS"])
        return
    options = gunicorn_options(host, port, workers, app.config["DLBIO_QUERY_TIMEOUT"])
    _Gunicorn(app, options).run()
