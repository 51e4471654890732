"""The SPARQL 1.1 Protocol endpoint (``/sparql``) and the VoID description (``/void``).

A query goes: protocol parsing → text checks (nesting, SERVICE allow-list) → content negotiation
→ ETag / 304 → result cache → deadline-bound execution → complete or streamed response.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, after_this_request, current_app, request

from server import dumps, protocol
from server.cache import CACHEABLE
from server.errors import ApiError, raw_error
from server.execution import ChunkWriter, Executor, Guard, QueryFailed, QueryTimeout
from server.httputil import VARY, gzip_bytes, gzip_stream, make_etag, matches_etag
from server.negotiation import (
    DESCRIPTION_FORMATS,
    RDF_FORMATS,
    RESULT_FORMATS,
    Choice,
    Format,
    accepts_gzip,
    by_name,
    negotiate,
)
from server.querytext import QueryRefused, inspect
from server.store import KG, get_kg

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
            raise QueryFailed(400, f"query syntax error: {exc}") from None
        if isinstance(result, ox.QueryTriples):
            writer.meta = _acceptable(choices.rdf, "rdf")
        else:
            writer.meta = _acceptable(choices.results, "results")
        result.serialize(writer, writer.meta.format.oxigraph)

    return job


def _acceptable(choice: Choice | None, kind: str) -> Choice:
    if choice is None:
        raise _not_acceptable(kind)
    return choice


def _timeout_message(timeout: float) -> str:
    return (f"the query did not finish within the time limit of {timeout:g} s and was "
            "stopped; narrow it down or add a LIMIT")


def _guard(query: protocol.QueryRequest, config: Any) -> Guard | None:
    """Run on the request thread when under gunicorn and the query is short (normal stack)."""
    sock = request.environ.get("gunicorn.socket")
    if sock is None or not config["DLBIO_EXIT_ON_TIMEOUT"] or len(query.query) > INLINE_MAX_CHARS:
        return None
    timeout, accept = config["DLBIO_QUERY_TIMEOUT"], request.headers.get("Accept")

    def expire() -> None:
        try:
            message = _timeout_message(timeout)
            sock.sendall(raw_error(503, "Service Unavailable", message, accept))
        finally:
            os._exit(0)

    return Guard(current_app.extensions["dlbio_watchdog"], expire)


def _stop_process() -> None:
    """Leave no runaway query behind: end this worker once the response is sent."""
    if current_app.config["DLBIO_EXIT_ON_TIMEOUT"]:

        @after_this_request
        def exit_after(response: Response) -> Response:
            response.call_on_close(lambda: os._exit(0))
            return response

    else:
        current_app.extensions["dlbio_executor"].abandon()


def _execute(kg: KG, query: protocol.QueryRequest, choices: Choices, config: Any):
    """Run the query within the deadline; map every engine outcome to a client-facing one."""
    timeout = config["DLBIO_QUERY_TIMEOUT"]
    executor: Executor = current_app.extensions["dlbio_executor"]
    dump_graph = None if query.has_dataset else dumps.full_dump_graph(query.query)
    job = _job(kg, query, choices, config["DLBIO_BASE_IRI"], dump_graph)
    guard = None if dump_graph is not None else _guard(query, config)
    try:
        return executor.run(
            job, timeout, config["DLBIO_STREAM_THRESHOLD"], config["DLBIO_MAX_RESULT_BYTES"],
            guard,
        )
    except QueryTimeout:
        _stop_process()
        raise ApiError(503, _timeout_message(timeout)) from None
    except (QueryFailed, ApiError) as exc:
        raise ApiError(exc.status, exc.message) from None
    except OSError:
        raise ApiError(500, "the query could not be evaluated (store or network error)") from None
    except (RuntimeError, ValueError, TypeError) as exc:
        raise ApiError(400, f"the query could not be evaluated: {exc}") from None


def _guarded(chunks: Iterator[bytes], exit_on_timeout: bool) -> Iterator[bytes]:
    """A streamed body; a deadline hit mid-stream aborts the connection (no clean end)."""
    try:
        yield from chunks
    except QueryTimeout:
        if exit_on_timeout:
            os._exit(0)
        raise


def _respond(body: Any, content_type: str, etag: str, encoded: bool) -> Response:
    response = Response(body, 200, content_type=content_type, direct_passthrough=True)
    response.headers.update({"ETag": etag, "Vary": VARY})
    if encoded:
        response.headers["Content-Encoding"] = "gzip"
    return response


def _answer(query: protocol.QueryRequest, kg: KG, config: Any) -> Response:
    try:
        form = inspect(
            query.query, config["_ALLOWLIST"], config["DLBIO_BASE_IRI"], config["DLBIO_MAX_NESTING"]
        ).form
    except QueryRefused as exc:
        raise ApiError(exc.status, exc.message) from None
    name, accept = _format_param(), request.headers.get("Accept")
    choices = Choices(_choose(RESULT_FORMATS, name, accept), _choose(RDF_FORMATS, name, accept))
    expected = choices.for_form(form)
    if form is not None and expected is None:
        raise _not_acceptable("results" if form in ("SELECT", "ASK") else "rdf")
    gz = accepts_gzip(request.headers.get("Accept-Encoding"))
    wanted = expected.media_type if expected else accept
    key = (query.query, query.default_graphs, query.named_graphs, wanted, gz, kg.version)
    etag = make_etag(kg.version, key)
    if request.method == "GET" and matches_etag(request.headers.get("If-None-Match"), etag):
        return Response(status=304, headers={"ETag": etag, "Vary": VARY})
    cache = current_app.extensions["dlbio_cache"]
    cached = cache.get(key)
    if cached is not None:
        body, (content_type, encoded) = cached
        request.environ[CACHEABLE] = True
        return _respond(body, content_type, etag, encoded)
    outcome = _execute(kg, query, choices, config)
    content_type = _content_type(outcome.meta)
    if outcome.rest is None:
        body, encoded = outcome.body, gz and len(outcome.body) >= config["DLBIO_GZIP_MIN_BYTES"]
        body = gzip_bytes(body) if encoded else body
        cache.put(key, body, (content_type, encoded))
        request.environ[CACHEABLE] = True
        return _respond(body, content_type, etag, encoded)
    stream = _guarded(_chain(outcome.body, outcome.rest), config["DLBIO_EXIT_ON_TIMEOUT"])
    return _respond(gzip_stream(stream) if gz else stream, content_type, etag, gz)


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _describe(triples_for: Any) -> Response:
    """Serve a small RDF document about the endpoint in the negotiated syntax."""
    choice = _choose(DESCRIPTION_FORMATS, _format_param(), request.headers.get("Accept"))
    if choice is None:
        offered = ", ".join(f.media_type for f in DESCRIPTION_FORMATS)
        raise ApiError(406, f"no acceptable format: this document is available as {offered}")
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
        return _answer(query, kg, config)
    void_url = request.host_url + "void"
    federation = bool(config["_ALLOWLIST"])
    triples = dumps.service_description(kg, request.base_url, void_url, federation)
    return _describe(lambda choice: dumps.serialize(triples, choice.format))


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
