"""DLBio-KG SPARQL endpoint: a Flask application factory serving the KG read-only.

>>> app = create_app({"DLBIO_LOAD": ["tests/endpoint/fixtures/protocol.trig"]})  # doctest: +SKIP
>>> app.test_client().get("/sparql", query_string={"query": "ASK {}"}).json["boolean"]  # doctest: +SKIP
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from server.graph import store
from server.runtime.execution import Executor
from server.runtime.limits import ClientLimiter, ConcurrencyLimit
from server.runtime.watchdog import Watchdog
from server.settings import load_settings
from server.sparql.cache import FrontCache, ResultCache
from server.sparql.fastpath import FastPath
from server.web import compression, errors, httputil


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then ``DLBIO_*`` environment variables, then ``config``.

    The data is opened here (once; gunicorn forks workers after this when preloading).
    """
    app = Flask(__name__, static_folder=None)  # templates and static files: server.site
    settings = load_settings(config)
    app.config.update(settings)
    app.config["MAX_CONTENT_LENGTH"] = settings["DLBIO_MAX_BODY_BYTES"]
    app.config["MAX_FORM_MEMORY_SIZE"] = settings["DLBIO_MAX_BODY_BYTES"]
    app.config["_ALLOWLIST"] = {host.lower() for host in settings["DLBIO_SERVICE_ALLOWLIST"]}
    store.init_app(app)
    app.extensions["dlbio_executor"] = Executor()
    app.extensions["dlbio_watchdog"] = Watchdog()
    cache = ResultCache(settings["DLBIO_CACHE_BYTES"], settings["DLBIO_CACHE_ENTRY_BYTES"])
    app.extensions["dlbio_cache"] = cache
    if settings["DLBIO_FAST_PATH"]:  # innermost: the cache and the limit still apply
        app.wsgi_app = FastPath(app.wsgi_app, app)  # type: ignore[method-assign]
    if settings["DLBIO_CACHE_BYTES"] > 0:
        app.wsgi_app = FrontCache(  # type: ignore[method-assign]
            app.wsgi_app, cache, version=lambda: store.current_kg(app).version)
    if settings["DLBIO_MAX_CLIENT_CONCURRENCY"] > 0:  # outermost: cache hits count too
        limiter = ClientLimiter(settings["DLBIO_MAX_CLIENT_CONCURRENCY"])
        app.wsgi_app = ConcurrencyLimit(app.wsgi_app, limiter)  # type: ignore[method-assign]
    errors.register(app)
    httputil.register(app)
    compression.register(app)
    from server import site
    from server.sparql.endpoint import bp

    app.register_blueprint(bp)
    site.register(app)
    return app
