"""The SPARQL 1.1 Protocol endpoint: one framework-free WSGI application for every ``/sparql``
request, and the VoID description (``/void``, a Flask view).

A query goes: request parsing (werkzeug) → ``protocol.parse`` → text checks (nesting, SERVICE
allow-list) → content negotiation → ETag / 304 → result cache (``prepare``) → execution within
the deadline (``server.runtime.deadline``) → complete (cached) or streamed reply (``produce``).
The same application answers the service description, the HTML page for browsers (rendered by a
callable the site provides), CORS preflights and every refusal (``server.web.errors``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, request
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.wrappers import Request

from kg.sparql_errors import explain
from server.graph.store import KG, get_kg
from server.runtime.deadline import Deadlines, QueryTimeout
from server.runtime.execution import ChunkWriter, Outcome, QueryFailed
from server.sparql import dumps, protocol
from server.sparql.cache import ResultCache
from server.sparql.querytext import QueryRefused, full_dump_graph, inspect
from server.web.errors import ApiError, reply_for
from server.web.httputil import (
    METHODS,
    PREFLIGHT_HEADERS,
    VARY,
    Reply,
    gzip_bytes,
    gzip_stream,
    make_etag,
    matches_etag,
    send,
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

PATH = "/sparql"
MEMO_CHARS = 4096  # request parsing and text checks are memoized for texts up to this length
CLOSE = [("Connection", "close")]  # a retiring worker's answers: the client's next connection
# then reaches another worker
bp = Blueprint("sparql", __name__)
#: ``/sparql`` is answered by ``SparqlApp`` (the dispatcher in ``server`` sends it there); this
#: rule only names it, for ``url_for``, the site's navigation and the OpenAPI check.
bp.add_url_rule(PATH, "sparql", methods=["GET", "POST"])
log = logging.getLogger("server")
#: What renders the HTML page about the endpoint: ``page(environ, **context) -> Reply``.
Page = Callable[..., Reply]
WSGIApp = Callable[[dict[str, Any], Callable], Iterable[bytes]]

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


def _format_param(req: Request) -> str | None:
    """The ``format=`` parameter (URL or form body), which overrides the Accept header."""
    name = req.args.get("format")
    if name is None and req.method == "POST" and req.mimetype == protocol.FORM:
        name = req.form.get("format")
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


def _result(body: bytes | Iterator[bytes], content_type: str, etag: str,
            encoded: bool) -> Reply:
    """A 200 (Content-Length only for a complete body)."""
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


@lru_cache(maxsize=1024)
def _url_query(url: str, max_length: int) -> protocol.QueryRequest | None:
    """``protocol.parse`` of a GET's query string, memoized for query strings up to
    ``MEMO_CHARS``: clients repeat their URLs, and percent-decoding (the stdlib's, in Python)
    costs more than a small query. Refusals raise and are not memoized."""
    return protocol.parse(Request({"REQUEST_METHOD": "GET", "QUERY_STRING": url}), max_length)


@lru_cache(maxsize=1024)
def _checked_form(query: str, allowlist: frozenset[str], base_iri: str,
                  max_nesting: int) -> str | None:
    return inspect(query, set(allowlist), base_iri, max_nesting).form


def _inspected(query: str, allowlist: frozenset[str], base_iri: str,
               max_nesting: int) -> str | None:
    """The query form after the text checks (``querytext.inspect``), memoized for short texts."""
    if len(query) > MEMO_CHARS:
        return inspect(query, set(allowlist), base_iri, max_nesting).form
    return _checked_form(query, allowlist, base_iri, max_nesting)


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def describe(body_for: Callable[[Choice], bytes], name: str | None, accept: str | None,
             page: Callable[[], Reply] | None = None) -> Reply:
    """A small RDF document in the negotiated syntax (``format=`` name, else Accept).

    With ``page``, a client preferring HTML (a browser) gets that page instead; RDF stays first,
    so ``*/*`` and no ``Accept`` still get the RDF.
    """
    formats = (*DESCRIPTION_FORMATS, HTML) if page else DESCRIPTION_FORMATS
    choice = _choose(formats, name, accept)
    if choice is None:
        offered = ", ".join(f.media_type for f in formats)
        raise ApiError(406, f"no acceptable format: this document is available as {offered}")
    if choice.format is HTML and page is not None:
        reply = page()
    else:
        body = body_for(choice)
        reply = Reply(200, [("Content-Type", _content_type(choice)),
                            ("Content-Length", str(len(body)))], body)
    reply.headers = [(n, v) for n, v in reply.headers if n.lower() != "vary"] + [("Vary", VARY)]
    return reply


class SparqlApp:
    """The WSGI application answering every ``/sparql`` request.

    ``kg`` gives the KG a new request pins (the version barrier, ``server.graph.store``),
    ``page`` renders the HTML page about the endpoint, ``deadlines`` runs the queries.
    """

    def __init__(self, config: Mapping[str, Any], kg: Callable[[], KG], page: Page,
                 deadlines: Deadlines, cache: ResultCache) -> None:
        self.config, self.kg, self.page = config, kg, page
        self.deadlines, self.cache = deadlines, cache
        self.allowlist = frozenset(host.lower() for host in config["DLBIO_SERVICE_ALLOWLIST"])

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        """Answer one request; every failure is rendered by ``server.web.errors``."""
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            reply = self._answer(environ, method)
        except Exception as error:
            reply = reply_for(error, environ.get("HTTP_ACCEPT"),
                              self.config["DLBIO_MAX_BODY_BYTES"])
            if isinstance(error, _Timeout):  # the worker retires once its 503 is sent
                reply.on_close = error.after
                if self.deadlines.end_worker:
                    return send(reply, start_response, method, CLOSE)
        return send(reply, start_response, method, CLOSE if self.deadlines.closing else None)

    def _answer(self, environ: dict[str, Any], method: str) -> Reply:
        if method == "OPTIONS":
            return _preflight(environ)
        if method not in ("GET", "HEAD", "POST"):
            raise MethodNotAllowed
        url = environ.get("QUERY_STRING", "")
        if method != "POST" and 0 < len(url) <= MEMO_CHARS:
            query = _url_query(url, self.config["DLBIO_MAX_QUERY_LENGTH"])
        else:
            req = Request(environ)
            req.max_content_length = req.max_form_memory_size = self.config["DLBIO_MAX_BODY_BYTES"]
            query = protocol.parse(req, self.config["DLBIO_MAX_QUERY_LENGTH"])
        kg = self.kg()
        if query is None:
            return self._description(Request(environ), kg)
        ready = self.prepare(query, kg, environ)
        return self.produce(ready, kg) if isinstance(ready, Plan) else ready

    def _description(self, req: Request, kg: KG) -> Reply:
        """The service description, or the page about the endpoint for a browser."""
        federation = bool(self.allowlist)
        triples = dumps.service_description(kg, req.base_url, req.host_url + "void", federation)
        config = self.config

        def page() -> Reply:
            return self.page(req.environ, endpoint=req.base_url, results=RESULT_FORMATS,
                             graphs=RDF_FORMATS, descriptions=DESCRIPTION_FORMATS,
                             timeout=config["DLBIO_QUERY_TIMEOUT"],
                             max_length=config["DLBIO_MAX_QUERY_LENGTH"])

        return describe(lambda choice: dumps.serialize(triples, choice.format),
                        _format_param(req), req.headers.get("Accept"), page)

    def prepare(self, query: protocol.QueryRequest, kg: KG,
                environ: dict[str, Any]) -> Plan | Reply:
        """Everything before execution: text checks, negotiation, ETag (304), the result cache.

        Returns the reply when there is nothing to run, else the plan for ``produce``; raises
        ``ApiError`` for a refused query (nothing has run yet).
        """
        config = self.config
        try:
            form = _inspected(query.query, self.allowlist, config["DLBIO_BASE_IRI"],
                              config["DLBIO_MAX_NESTING"])
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
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD") and matches_etag(
                environ.get("HTTP_IF_NONE_MATCH"), etag):
            return Reply(304, [("ETag", etag), ("Vary", VARY)])
        cached = self.cache.get(key)
        if cached is not None:
            body, (content_type, encoded) = cached
            return _result(body, content_type, etag, encoded)
        return Plan(query, choices, key, etag, gz)

    def produce(self, plan: Plan, kg: KG) -> Reply:
        """Run a planned query and build its reply: complete (and cached) or streamed."""
        config = self.config
        outcome = self._execute(kg, plan)
        content_type = _content_type(outcome.meta)
        if outcome.rest is None:
            encoded = plan.gzip and len(outcome.body) >= config["DLBIO_GZIP_MIN_BYTES"]
            body = gzip_bytes(outcome.body) if encoded else outcome.body
            self.cache.put(plan.key, body, (content_type, encoded))
            return _result(body, content_type, plan.etag, encoded)
        stream = self._guarded(_chain(outcome.body, outcome.rest))
        return _result(gzip_stream(stream) if plan.gzip else stream, content_type, plan.etag,
                       plan.gzip)

    def _execute(self, kg: KG, plan: Plan) -> Outcome:
        """Run the query within the deadline; map every engine outcome to a client-facing one."""
        config, query = self.config, plan.query
        timeout = config["DLBIO_QUERY_TIMEOUT"]
        dump_graph = None if query.has_dataset else full_dump_graph(query.query)
        job = _job(kg, query, plan.choices, config["DLBIO_BASE_IRI"], dump_graph)
        try:
            return self.deadlines.run(job, timeout, config["DLBIO_STREAM_THRESHOLD"],
                                      config["DLBIO_MAX_RESULT_BYTES"])
        except QueryTimeout:
            raise _Timeout(_timeout_message(timeout), self.deadlines.after_timeout) from None
        except (QueryFailed, ApiError) as exc:
            raise ApiError(exc.status, exc.message) from None
        except OSError:
            raise ApiError(500, "the query could not be evaluated (store or network error)") from None
        except (RuntimeError, ValueError, TypeError) as exc:
            raise ApiError(400, f"the query could not be evaluated: {exc}") from None

    def _guarded(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        """A streamed body; a deadline hit mid-stream aborts the connection (no clean end)."""
        try:
            yield from chunks
        except QueryTimeout:
            self.deadlines.after_timeout()
            raise


class _Timeout(ApiError):
    """The deadline passed: 503, then ``after`` runs once the answer is sent."""

    def __init__(self, message: str, after: Callable[[], None]) -> None:
        super().__init__(503, message)
        self.after = after


def _preflight(environ: dict[str, Any]) -> Reply:
    """The answer to a CORS preflight (``OPTIONS``)."""
    asked = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")
    return Reply(200, [("Allow", METHODS), ("Content-Length", "0"),
                       *PREFLIGHT_HEADERS.items(),
                       ("Access-Control-Allow-Headers", asked or "Accept, Content-Type")])


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

    return to_response(describe(body, _format_param(request), request.headers.get("Accept")))
