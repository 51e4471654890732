"""Run the endpoint under gunicorn (what ``dlbio serve`` calls).

The app is built once in the gunicorn master (so a missing release fails fast with a clear
message) and the sync workers are forked from it, sharing the in-memory store. Each worker serves
one request at a time: a worker that hits the query deadline exits after answering 503 and the
master replaces it at once, without disturbing the requests other workers are serving.

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


def default_workers() -> int:
    """Two workers per CPU plus one: queries are CPU-bound and a runaway holds one worker."""
    return 2 * (os.cpu_count() or 1) + 1


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
) -> None:
    """Serve the KG (or the ``load`` files) at ``http://host:port/sparql`` until interrupted.

    Raises ``server.store.KGError`` before binding when the data cannot be opened.
    """
    overrides: dict[str, Any] = {}
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
    options = gunicorn_options(host, port, workers or default_workers(),
                               app.config["DLBIO_QUERY_TIMEOUT"])
    _Gunicorn(app, options).run()
