"""The SPARQL 1.1 Protocol endpoint (``/sparql``) and the VoID description (``/void``).

A query goes: protocol parsing → text checks (nesting, SERVICE allow-list) → content negotiation
→ ETag / 304 → result cache (``prepare``) → deadline-bound execution → complete or streamed
response (``produce``). Both steps are framework-free (they read the WSGI environ and the app's
config), so ``server.sparql.fastpath`` serves the common query with them without entering Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, request

from kg.sparql_errors import explain
from server.graph.store import KG, get_kg
from server.runtime.execution import (
    ChunkWriter,
    Executor,
    Guard,
    Outcome,
    QueryFailed,
    QueryTimeout,
)
from server.runtime.retire import GRANIAN_HANDLE, exit_now, retire
from server.sparql import dumps, protocol
from server.sparql.cache import CACHEABLE
from server.sparql.querytext import QueryRefused, inspect
from server.web.errors import ApiError, error_reply, raw_error
from server.web.httputil import (
    CORS_LIST,
    VARY,
    Reply,
    gzip_bytes,
    gzip_stream,
    make_etag,
    matches_etag,
    to_response,
)
from server.web.negotiation import (
    DESCRIPTION_FORMATS,
    HTML,
    RDF_FORMATS,
    RESULT_FORMATS,
    Choice,
    Format,
    accepts_gzip,
    by_name,
    negotiate,
)
from server.web.security import SECURITY_LIST

bp = Blueprint("sparql", __name__)
INLINE_MAX_CHARS = 4096  # longer queries run on the helper thread's big stack


@dataclass(frozen=True)
class Choices:
    """The negotiated format for each kind of result (None: nothing acceptable)."""

    results: Choice | None
    rdf: Choice | None

    def for_form(self, form: str | None) -> Choice | None:
        """The format for a query form (SELECT/ASK → results, CONSTRUCT/DESCRIBE → RDF)."""
        if form is None:
            return None
        return self.results if form in ("SELECT", "ASK") else self.rdf


def _format_param() -> str | None:
    """The ``format=`` parameter (URL or form body), which overrides the Accept header."""
    name = request.args.get("format")
    if name is None and request.method == "POST" and request.mimetype == protocol.FORM:
        name = request.form.get("format")
    return name


def _choose(formats: tuple[Format, ...], name: str | None, accept: str | None) -> Choice | None:
    """Negotiate among ``formats`` by ``format=`` name if given, else by Accept."""
    return by_name(name, formats) if name else negotiate(accept, formats)


def _not_acceptable(kind: str) -> ApiError:
    offered = ", ".join(f.media_type for f in (RESULT_FORMATS if kind == "results" else RDF_FORMATS))
    return ApiError(406, f"no acceptable format for {kind}: this endpoint offers {offered}")


def _content_type(choice: Choice) -> str:
    text = choice.media_type.startswith("text/")
    return choice.media_type + ("; charset=utf-8" if text else "")


def _job(kg: KG, query: protocol.QueryRequest, choices: Choices, base_iri: str,
         dump_graph: ox.NamedNode | ox.DefaultGraph | None):
    """What runs the query: evaluate, pick the format by result kind, serialize."""

    def job(writer: ChunkWriter) -> None:
        if dump_graph is not None:
            writer.meta = _acceptable(choices.rdf, "rdf")
            triples = dumps.graph_triples(kg.store, dump_graph)
            ox.serialize(triples, writer, writer.meta.format.oxigraph)
            return
        try:
            result = kg.store.query(query.query, base_iri=base_iri, **query.dataset_options())
        except SyntaxError as exc:
            raise QueryFailed(400, f"query syntax error: {explain(query.query, str(exc))}") from None
        if isinstance(result, ox.QueryTriples):
            writer.meta = _acceptable(choices.rdf, "rdf")
        else:
            writer.meta = _acceptable(choices.results, "results")
        if isinstance(result, ox.QueryBoolean):  # a few bytes: no serializer writing into Python
            writer.write(result.serialize(format=writer.meta.format.oxigraph))
        else:
            result.serialize(writer, writer.meta.format.oxigraph)

    return job


def _acceptable(choice: Choice | None, kind: str) -> Choice:
    if choice is None:
        raise _not_acceptable(kind)
    return choice


@lru_cache(maxsize=8)
def _timeout_message(timeout: float) -> str:
    return (f"the query did not finish within the time limit of {timeout:g} s and was "
            "stopped; narrow it down or add a LIMIT")


def _guard(query: protocol.QueryRequest, environ: dict[str, Any], app: Flask) -> Guard | None:
    """Run on the request thread when the front lets the watchdog answer for it at the deadline.

    Under gunicorn the watchdog writes the 503 on the request's socket and ends the process;
    under granian it retires the worker and answers through granian's handle of the request.
    Long queries always go to a helper thread, whose stack is large enough for any of them.
    """
    config = app.config
    if not config["DLBIO_EXIT_ON_TIMEOUT"] or len(query.query) > INLINE_MAX_CHARS:
        return None
    message, accept = _timeout_message(config["DLBIO_QUERY_TIMEOUT"]), environ.get("HTTP_ACCEPT")
    sock, handle = environ.get("gunicorn.socket"), environ.get(GRANIAN_HANDLE)
    if sock is not None:

        def expire() -> None:
            try:
                sock.sendall(raw_error(503, "Service Unavailable", message, accept))
            finally:
                exit_now()

    elif handle is not None:
        closing = _closing(environ, app)

        def expire() -> None:
            reply = error_reply(503, message, accept, closing)
            try:
                retire("granian")  # drain, then stop accepting, before the 503 leaves
            finally:
                handle.response_bytes(503, reply.headers + CORS_LIST + SECURITY_LIST, reply.body)

    else:
        return None
    return Guard(app.extensions["dlbio_watchdog"], expire)


def _closing(environ: dict[str, Any], app: Flask) -> dict[str, str] | None:
    """``Connection: close`` for the 503 of a retiring granian worker (HTTP/1.1): the client's
    next request then opens a connection that another worker accepts."""
    config = app.config
    if config["DLBIO_EXIT_ON_TIMEOUT"] and config.get("_FRONT") == "granian" and environ.get(
            "SERVER_PROTOCOL", "").startswith("HTTP/1"):
        return {"Connection": "close"}
    return None


def _stop_process(environ: dict[str, Any], app: Flask) -> Callable[[], None] | None:
    """Leave no runaway query behind: what to run once the 503 is sent (end this worker)."""
    if app.config["DLBIO_EXIT_ON_TIMEOUT"]:
        front = app.config.get("_FRONT", "gunicorn")
        if front == "granian":  # drain and stop accepting before the 503 goes out: the client's
            retire(front)  # next request then reaches another worker, not this retiring one
            return None
        return lambda: retire(front)
    app.extensions["dlbio_executor"].abandon()
    return None


def _execute(kg: KG, plan: Plan, environ: dict[str, Any], app: Flask) -> Outcome:
    """Run the query within the deadline; map every engine outcome to a client-facing one."""
    config, query = app.config, plan.query
    timeout = config["DLBIO_QUERY_TIMEOUT"]
    executor: Executor = app.extensions["dlbio_executor"]
    dump_graph = None if query.has_dataset else dumps.full_dump_graph(query.query)
    job = _job(kg, query, plan.choices, config["DLBIO_BASE_IRI"], dump_graph)
    guard = None if dump_graph is not None else _guard(query, environ, app)
    try:
        return executor.run(
            job, timeout, config["DLBIO_STREAM_THRESHOLD"], config["DLBIO_MAX_RESULT_BYTES"],
            guard,
        )
    except QueryTimeout:
        on_close = _stop_process(environ, app)
        raise ApiError(503, _timeout_message(timeout), _closing(environ, app),
                       on_close=on_close) from None
    except (QueryFailed, ApiError) as exc:
        raise ApiError(exc.status, exc.message) from None
    except OSError:
        raise ApiError(500, "the query could not be evaluated (store or network error)") from None
    except (RuntimeError, ValueError, TypeError) as exc:
        raise ApiError(400, f"the query could not be evaluated: {exc}") from None


def _guarded(chunks: Iterator[bytes], exit_on_timeout: bool, front: str) -> Iterator[bytes]:
    """A streamed body; a deadline hit mid-stream aborts the connection (no clean end)."""
    try:
        yield from chunks
    except QueryTimeout:
        if exit_on_timeout:
            retire(front)
        raise


def _result(body: bytes | Iterator[bytes], content_type: str, etag: str,
            encoded: bool) -> Reply:
    """A 200 with the headers in Flask's order (Content-Length only for a complete body)."""
    headers = [("Content-Type", content_type)]
    if isinstance(body, bytes):
        headers.append(("Content-Length", str(len(body))))
    headers += [("ETag", etag), ("Vary", VARY)]
    if encoded:
        headers.append(("Content-Encoding", "gzip"))
    return Reply(200, headers, body)


@dataclass(slots=True)  # not frozen: frozen dataclasses are slow to build
class Plan:
    """A checked query about to run: what was negotiated and what names its response."""

    query: protocol.QueryRequest
    choices: Choices
    key: tuple
    etag: str
    gzip: bool


@lru_cache(maxsize=256)
def _choices(name: str | None, accept: str | None) -> Choices:
    """The negotiated formats (memoized: clients repeat their Accept headers)."""
    return Choices(_choose(RESULT_FORMATS, name, accept), _choose(RDF_FORMATS, name, accept))


def prepare(query: protocol.QueryRequest, kg: KG, environ: dict[str, Any],
            app: Flask) -> Plan | Reply:
    """Everything before execution: text checks, negotiation, ETag (304), the result cache.

    Returns the reply when there is nothing to run, else the plan for ``produce``; raises
    ``ApiError`` for a refused query (nothing has run yet).
    """
    config = app.config
    try:
        form = inspect(
            query.query, config["_ALLOWLIST"], config["DLBIO_BASE_IRI"], config["DLBIO_MAX_NESTING"]
        ).form
    except QueryRefused as exc:
        raise ApiError(exc.status, exc.message) from None
    accept = environ.get("HTTP_ACCEPT")
    choices = _choices(query.format, accept)
    expected = choices.for_form(form)
    if form is not None and expected is None:
        raise _not_acceptable("results" if form in ("SELECT", "ASK") else "rdf")
    gz = accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING"))
    wanted = expected.media_type if expected else accept
    key = (query.query, query.default_graphs, query.named_graphs, wanted, gz, kg.version)
    etag = make_etag(kg.version, key)
    if environ.get("REQUEST_METHOD") == "GET" and matches_etag(
            environ.get("HTTP_IF_NONE_MATCH"), etag):
        return Reply(304, [("ETag", etag), ("Vary", VARY)])
    cached = app.extensions["dlbio_cache"].get(key)
    if cached is not None:
        body, (content_type, encoded) = cached
        environ[CACHEABLE] = True
        return _result(body, content_type, etag, encoded)
    return Plan(query, choices, key, etag, gz)


def produce(plan: Plan, kg: KG, environ: dict[str, Any], app: Flask) -> Reply:
    """Run a planned query and build its reply: complete (and cached) or streamed.

    Every failure is an ``ApiError`` (a timeout's carries ``on_close``); this is the only place
    queries are executed, for the Flask view and the fast path alike.
    """
    config = app.config
    outcome = _execute(kg, plan, environ, app)
    content_type = _content_type(outcome.meta)
    if outcome.rest is None:
        encoded = plan.gzip and len(outcome.body) >= config["DLBIO_GZIP_MIN_BYTES"]
        body = gzip_bytes(outcome.body) if encoded else outcome.body
        app.extensions["dlbio_cache"].put(plan.key, body, (content_type, encoded))
        environ[CACHEABLE] = True
        return _result(body, content_type, plan.etag, encoded)
    stream = _guarded(_chain(outcome.body, outcome.rest), config["DLBIO_EXIT_ON_TIMEOUT"],
                      config.get("_FRONT", "gunicorn"))
    return _result(gzip_stream(stream) if plan.gzip else stream, content_type, plan.etag,
                   plan.gzip)


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _describe(triples_for: Any, page: Callable[[], Response] | None = None) -> Response:
    """Serve a small RDF document about the endpoint in the negotiated syntax.

    With ``page``, a client preferring HTML (a browser) gets that page instead; RDF stays first,
    so ``*/*`` and no ``Accept`` still get the RDF.
    """
    formats = (*DESCRIPTION_FORMATS, HTML) if page else DESCRIPTION_FORMATS
    choice = _choose(formats, _format_param(), request.headers.get("Accept"))
    if choice is None:
        offered = ", ".join(f.media_type for f in formats)
        raise ApiError(406, f"no acceptable format: this document is available as {offered}")
    if choice.format is HTML and page is not None:
        response = page()
        response.headers["Vary"] = VARY
        return response
    body = triples_for(choice)
    response = Response(body, 200, content_type=_content_type(choice))
    response.headers["Vary"] = VARY
    return response


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    """The SPARQL 1.1 Protocol: queries, or the service description when there is none."""
    config = current_app.config
    query = protocol.parse(request, config["DLBIO_MAX_QUERY_LENGTH"])
    kg = get_kg()
    if query is not None:
        ready = prepare(query, kg, request.environ, current_app)  # type: ignore[arg-type]
        if isinstance(ready, Plan):
            ready = produce(ready, kg, request.environ, current_app)  # type: ignore[arg-type]
        return to_response(ready)
    void_url = request.host_url + "void"
    federation = bool(config["_ALLOWLIST"])
    triples = dumps.service_description(kg, request.base_url, void_url, federation)
    return _describe(lambda choice: dumps.serialize(triples, choice.format), _endpoint_page)


def _endpoint_page() -> Response:
    """The endpoint explained to a person who followed a link to it."""
    from server.site.pages import render  # the site's page frame; the protocol does not need it

    config = current_app.config
    return render("sparql.html", endpoint=request.base_url, results=RESULT_FORMATS,
                  graphs=RDF_FORMATS, descriptions=DESCRIPTION_FORMATS,
                  timeout=config["DLBIO_QUERY_TIMEOUT"],
                  max_length=config["DLBIO_MAX_QUERY_LENGTH"])


@bp.route("/void", methods=["GET"])
def void() -> Response:
    """The VoID description of the served data (``void.ttl`` of the release)."""
    kg = get_kg()

    def body(choice: Choice) -> bytes:
        if kg.void_ttl is not None and choice.format.key == "turtle":
            return kg.void_ttl
        if kg.void_ttl is not None:
            return dumps.serialize(dumps.parse_turtle(kg.void_ttl), choice.format)
        triples = dumps.minimal_void(kg, request.base_url, request.host_url + "sparql")
        return dumps.serialize(triples, choice.format)

    return _describe(body)
