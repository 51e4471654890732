"""DLBio-KG: the linked-data site (Flask) and the SPARQL endpoint (``server.sparql``), one WSGI app.

``create_app`` returns the Flask app, whose ``wsgi_app`` is the dispatcher: ``/sparql`` goes to
the framework-free SPARQL application, everything else to Flask, so ``app.test_client()`` and
any WSGI server see both.

>>> app = create_app({"DLBIO_LOAD": ["tests/endpoint/fixtures/protocol.trig"]})  # doctest: +SKIP
>>> app.test_client().get("/sparql", query_string={"query": "ASK {}"}).json["boolean"]  # doctest: +SKIP
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask

from server.graph import store
from server.runtime.deadline import Deadlines
from server.runtime.limits import ClientLimiter, ConcurrencyLimit
from server.settings import load_settings
from server.sparql.cache import ResultCache
from server.sparql.endpoint import PATH, SparqlApp
from server.web import compression, errors, httputil
from server.web.httputil import Reply
from server.web.security import SecureHeaders

WSGIApp = Callable[[dict[str, Any], Callable], Iterable[bytes]]


class Dispatcher:
    """``/sparql`` → the SPARQL application; every other path → the Flask site."""

    def __init__(self, sparql: WSGIApp, site: WSGIApp) -> None:
        self.sparql, self.site = sparql, site

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        """Send the request to the application that owns its path."""
        if environ.get("PATH_INFO") == PATH:
            return self.sparql(environ, start_response)
        return self.site(environ, start_response)


def _page(app: Flask) -> Callable[..., Reply]:
    """The endpoint's HTML page, rendered by the site's page frame for a ``/sparql`` request."""

    def page(environ: dict[str, Any], **context: Any) -> Reply:
        from server.site.pages import render

        with app.request_context(environ):
            response = render("sparql.html", **context)
            return Reply(response.status_code, list(response.headers.items()),
                         response.get_data())

    return page


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then ``DLBIO_*`` environment variables, then ``config``.

    The data is opened here (once; the front forks its workers after this).
    """
    app = Flask(__name__, static_folder=None)  # templates and static files: server.site
    settings = load_settings(config)
    app.config.update(settings)
    app.config["MAX_CONTENT_LENGTH"] = settings["DLBIO_MAX_BODY_BYTES"]
    app.config["MAX_FORM_MEMORY_SIZE"] = settings["DLBIO_MAX_BODY_BYTES"]
    store.init_app(app)
    deadlines = Deadlines(settings["DLBIO_EXIT_ON_TIMEOUT"], settings["DLBIO_QUERY_TIMEOUT"] + 1)
    cache = ResultCache(settings["DLBIO_CACHE_BYTES"], settings["DLBIO_CACHE_ENTRY_BYTES"])
    app.extensions["dlbio_cache"] = cache
    sparql = SparqlApp(app.config, lambda: store.current_kg(app), _page(app), deadlines, cache)
    app.extensions["dlbio_sparql"] = sparql
    composed: WSGIApp = deadlines.serving(SecureHeaders(Dispatcher(sparql, app.wsgi_app)))
    if settings["DLBIO_MAX_CLIENT_CONCURRENCY"] > 0:  # outermost: cache hits count too
        composed = ConcurrencyLimit(composed, ClientLimiter(settings["DLBIO_MAX_CLIENT_CONCURRENCY"]))
    app.wsgi_app = composed  # type: ignore[method-assign]
    errors.register(app)
    app.after_request(httputil.add_cors)
    compression.register(app)
    from server import site
    from server.sparql.endpoint import bp

    app.register_blueprint(bp)
    site.register(app)
    return app
