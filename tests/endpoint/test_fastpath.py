"""The fast path (``server.sparql.fastpath``) answers exactly as the Flask view does, and skips Flask.

Every request of the matrix goes to two apps over the same data, one with the fast path and one
without (``DLBIO_FAST_PATH``), called straight through WSGI; status, headers and body must be
identical. A counter beneath the fast path shows which requests it served itself.
"""

from __future__ import annotations

import gzip
import io
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from server import create_app
from server.sparql.fastpath import FastPath, _pairs
from tests.endpoint.conftest import FIXTURES

EX = "http://example.org/dlbio-test/"
SELECT = f"SELECT ?m ?label WHERE {{ ?m a <{EX}Method> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }} ORDER BY ?m"
SELECT_ALL = "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
ASK = f"ASK {{ <{EX}unet> ?p ?o }}"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
DESCRIBE = f"DESCRIBE <{EX}alphafold>"
NAMED = "SELECT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s"
RUNAWAY = "SELECT (COUNT(*) AS ?n) { " + " . ".join(f"?a{i} ?b{i} ?c{i}" for i in range(6)) + " }"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
RESULT_TYPES = ["application/sparql-results+json", "application/json",
                "application/sparql-results+xml", "application/xml", "text/xml", "text/csv",
                "text/tab-separated-values"]
RDF_TYPES = ["text/turtle", "application/x-turtle", "application/n-triples",
             "application/rdf+xml", "application/ld+json", "application/json",
             "application/n-quads", "application/trig"]
RESULT_NAMES = ["json", "srj", "xml", "srx", "csv", "tsv", "TSV", "text/csv", "application/json"]
RDF_NAMES = ["ttl", "turtle", "n3", "nt", "rdfxml", "rdf", "jsonld", "json", "nq", "trig"]


@dataclass
class Call:
    """One request, as a WSGI environ built afresh for each app."""

    method: str = "GET"
    params: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    content_type: str | None = None
    query_string: str | None = None  # raw, instead of ``params``
    extra: dict[str, Any] = field(default_factory=dict)  # environ keys set as they are

    def environ(self) -> dict[str, Any]:
        """A WSGI environ as a server would pass it."""
        qs = self.query_string if self.query_string is not None else urlencode(self.params)
        env: dict[str, Any] = {
            "REQUEST_METHOD": self.method, "SCRIPT_NAME": "", "PATH_INFO": "/sparql",
            "QUERY_STRING": qs, "SERVER_NAME": "localhost", "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "localhost",
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(self.body),
            "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if self.body or self.method == "POST":
            env["CONTENT_LENGTH"] = str(len(self.body))
        if self.content_type is not None:
            env["CONTENT_TYPE"] = self.content_type
        for name, value in self.headers.items():
            env["HTTP_" + name.upper().replace("-", "_")] = value
        env.update(self.extra)
        return env


@dataclass
class Answer:
    """What the app sent: status line, header list, body bytes."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first value of header ``name``."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def call(app: Flask, request: Call) -> Answer:
    """Run ``request`` through ``app`` as a WSGI server would (iterate, then close)."""
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list, exc_info: Any = None) -> Callable:
        seen["status"], seen["headers"] = status, list(headers)
        return lambda data: None

    result = app(request.environ(), start_response)
    try:
        body = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    return Answer(seen["status"], [(k, v) for k, v in seen["headers"] if k != "Date"], body)


class Counted:
    """The WSGI app beneath the fast path, counting the requests that reach it."""

    def __init__(self, inner: Callable) -> None:
        self.inner, self.calls = inner, 0

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Any:
        self.calls += 1
        return self.inner(environ, start_response)


def make_app(fast: bool, **settings: Any) -> Flask:
    """An app over the protocol fixture; timeouts do not end the test process."""
    config = {"DLBIO_LOAD": [str(FIXTURES / "protocol.trig")], "DLBIO_EXIT_ON_TIMEOUT": False,
              "DLBIO_CACHE_BYTES": 0, "DLBIO_FAST_PATH": fast, "TESTING": True}
    return create_app({**config, **settings})


@dataclass
class Pair:
    """The same settings with and without the fast path; ``flask`` counts what reaches Flask."""

    fast: Flask
    slow: Flask
    flask: Counted

    def compare(self, request: Call) -> Answer:
        """Both apps' answers to ``request``, which must be identical; the fast one's."""
        fast, slow = call(self.fast, request), call(self.slow, request)
        assert fast.status == slow.status
        assert fast.headers == slow.headers
        assert fast.body == slow.body
        if fast.header("Content-Encoding") == "gzip":
            gzip.decompress(fast.body)  # a complete gzip member
        return fast


def make_pair(**settings: Any) -> Pair:
    """The fast app (its Flask part counted) and the Flask-only app."""
    fast, slow = make_app(True, **settings), make_app(False, **settings)
    path = fast.wsgi_app
    while not isinstance(path, FastPath):  # beneath the front cache and the client limit
        path = path.app
    assert not any(isinstance(layer, FastPath) for layer in layers(slow.wsgi_app))
    counted = Counted(path.inner)
    path.inner = counted
    return Pair(fast, slow, counted)


def layers(wsgi_app: Any) -> Iterator[Any]:
    """The middlewares of an app's WSGI chain, outermost first."""
    while wsgi_app is not None:
        yield wsgi_app
        wsgi_app = getattr(wsgi_app, "app", None) or getattr(wsgi_app, "inner", None)


@pytest.fixture(scope="module")
def pair() -> Pair:
    """Default settings (result cache off, so every request is evaluated)."""
    return make_pair()


def get(query: str, headers: dict[str, str] | None = None, **params: str) -> Call:
    """A GET of ``query`` with extra parameters."""
    return Call("GET", [("query", query), *params.items()], headers or {})


def form(query: str, headers: dict[str, str] | None = None, url: str = "", **params: str) -> Call:
    """A form POST of ``query`` (``url``: a query string of its own)."""
    body = urlencode([("query", query), *params.items()]).encode()
    return Call("POST", [], headers or {}, body, FORM, query_string=url)


def direct(query: str, headers: dict[str, str] | None = None, url: str = "",
           content_type: str = DIRECT) -> Call:
    """A direct POST (``application/sparql-query``) of ``query``."""
    return Call("POST", [], headers or {}, query.encode(), content_type, query_string=url)


def methods(query: str, headers: dict[str, str] | None = None, **params: str) -> list[Call]:
    """The query sent each of the three protocol ways."""
    url = urlencode(params)
    return [get(query, headers, **params), form(query, headers, **params),
            direct(query, headers, url=url)]


def happy_requests() -> Iterator[tuple[str, Call]]:
    """Successful queries: every form, method, format, q-values, gzip, datasets."""
    for query in (SELECT, ASK, SELECT_ALL):
        for media_type in RESULT_TYPES:
            for number, request in enumerate(methods(query, {"Accept": media_type})):
                yield f"{query[:6]}-{media_type}-{number}", request
        for name in RESULT_NAMES:
            yield f"{query[:6]}-format={name}", get(query, format=name)
            yield f"{query[:6]}-form-format={name}", form(query, format=name)
    for query in (CONSTRUCT, DESCRIBE):
        for media_type in RDF_TYPES:
            for number, request in enumerate(methods(query, {"Accept": media_type})):
                yield f"{query[:6]}-{media_type}-{number}", request
        for name in RDF_NAMES:
            yield f"{query[:6]}-format={name}", get(query, format=name)
    for encoding in ("gzip", "gzip;q=0", "identity", "*", "deflate, gzip;q=0.5", ""):
        headers = {"Accept-Encoding": encoding}
        for query in (SELECT, SELECT_ALL, CONSTRUCT):
            for number, request in enumerate(methods(query, headers)):
                yield f"gzip={encoding}-{query[:6]}-{number}", request
    graphs = {"default-graph-uri": f"{EX}data1"}
    yield "default-graph", get("SELECT * { ?s ?p ?o }", **graphs)
    yield "default-graph-form", form("SELECT * { ?s ?p ?o }", **graphs)
    yield "default-graph-direct", direct("SELECT * { ?s ?p ?o }", url=urlencode(graphs))
    yield "named-graph", get(NAMED, **{"named-graph-uri": f"{EX}data3"})
    several = [("query", NAMED), ("named-graph-uri", f"{EX}data1"),
               ("named-graph-uri", f"{EX}data2"), ("default-graph-uri", f"{EX}data3")]
    yield "several-graphs", Call("GET", several)
    yield "format-url-and-form", form(SELECT, url="format=csv", format="xml")
    yield "plus-and-escapes", Call("GET", query_string="query=ASK+%7B%7D&format=json")
    yield "utf8-literal", get('SELECT ("Zürich ✓" AS ?x) {}', {"Accept": "text/csv"})
    yield "odd-bytes-kept-escaped", Call("GET", query_string="query=ASK%7B%7D&x=%FF")
    yield "base-iri", get("SELECT ?x { BIND(<rel> AS ?x) }")
    yield "charset-param", direct(ASK, content_type="application/sparql-query; charset=UTF-8")
    yield "mimetype-case", direct(ASK, content_type="Application/SPARQL-Query")
    yield "empty-construct", get(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s <{EX}none> ?o }}")
    yield "host-header", get(ASK, {"Host": "example.org:8080", "X-Forwarded-For": "1.2.3.4"})


@pytest.mark.parametrize("request_", [r for _, r in happy_requests()],
                         ids=[name for name, _ in happy_requests()])
def test_happy_path_is_identical_and_skips_flask(pair: Pair, request_: Call) -> None:
    before = pair.flask.calls
    answer = pair.compare(request_)
    assert answer.status == "200 OK"
    assert pair.flask.calls == before, "the fast path handed a good query to Flask"


Q_VALUES = ["text/csv;q=0.5, application/sparql-results+xml", "text/*;q=0.9, */*;q=0.1",
            "application/sparql-results+json;q=0, text/tab-separated-values", "*/*", "",
            "text/turtle, text/csv;q=0.2", "TEXT/CSV", "bogus, text/csv;q=x", "*/*;q=0",
            "application/*", "text/turtle;q=0.3, application/n-triples;q=0.3"]


@pytest.mark.parametrize("accept", Q_VALUES)
@pytest.mark.parametrize("query", [SELECT, ASK, CONSTRUCT], ids=["select", "ask", "construct"])
def test_negotiation_is_identical(pair: Pair, query: str, accept: str) -> None:
    """Acceptable: served by the fast path; 406: Flask's own answer."""
    before = pair.flask.calls
    answer = pair.compare(get(query, {"Accept": accept}))
    assert answer.status in ("200 OK", "406 NOT ACCEPTABLE")
    assert pair.flask.calls == before + (answer.status != "200 OK")


def test_if_none_match_gives_the_same_304(pair: Pair) -> None:
    etag = pair.compare(get(SELECT)).header("ETag")
    assert etag is not None
    before = pair.flask.calls
    for value in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        answer = pair.compare(get(SELECT, {"If-None-Match": value}))
        assert answer.status == "304 NOT MODIFIED" and answer.body == b""
    assert pair.flask.calls == before
    assert pair.compare(get(SELECT, {"If-None-Match": '"other"'})).status == "200 OK"
    assert pair.compare(form(SELECT, {"If-None-Match": etag})).status == "200 OK"  # GET only


def refused_requests() -> Iterator[tuple[str, Call]]:
    """Requests the fast path leaves to Flask: refusals before execution and non-queries."""
    yield "no-query", Call("GET")
    yield "no-query-with-dataset", Call("GET", [("default-graph-uri", f"{EX}data1")])
    yield "empty-query-string", Call("GET", query_string="")
    yield "two-queries", Call("GET", [("query", ASK), ("query", ASK)])
    yield "two-queries-form-and-url", form(ASK, url=urlencode({"query": ASK}))
    yield "direct-and-url-query", direct(ASK, url=urlencode({"query": ASK}))
    yield "update-param", get(ASK, update="INSERT DATA {}")
    yield "update-form", Call("POST", [], {}, b"update=CLEAR%20ALL", FORM)
    yield "update-direct-url", direct(ASK, url="update=x")
    yield "using-graph-uri", get(ASK, **{"using-graph-uri": f"{EX}data1"})
    yield "sparql-update-type", direct("CLEAR ALL", content_type="application/sparql-update")
    yield "unsupported-type", direct(ASK, content_type="text/plain")
    yield "no-content-type", Call("POST", [], {}, b"query=ASK%7B%7D")
    yield "multipart", direct(ASK, content_type="multipart/form-data; boundary=x")
    yield "latin1-charset", direct(ASK, content_type="application/sparql-query; charset=latin-1")
    yield "bad-utf8-direct", Call("POST", [], {}, b"ASK { \xff }", DIRECT)
    yield "bad-utf8-form", Call("POST", [], {}, b"query=ASK%7B%7D\xff", FORM)
    yield "bad-utf8-form-with-url-query", Call("POST", [], {}, b"x=\xff", FORM,
                                              query_string="query=ASK%7B%7D")
    yield "bad-utf8-query-string", Call("GET", query_string="query=ASK%7B%7D\xff")
    yield "bad-graph-iri", get(ASK, **{"default-graph-uri": "not an iri"})
    yield "too-long", get("ASK {} #" + "x" * 100_000)
    yield "too-long-form", form("ASK {} #" + "x" * 100_000)
    yield "body-too-large", Call("POST", [], {}, b"query=" + b"x" * 1_000_001, FORM)
    yield "short-body", Call("POST", [], {}, b"query=ASK%7B%7D", FORM,
                             extra={"CONTENT_LENGTH": "100"})
    yield "bad-content-length", Call("POST", [], {}, b"query=ASK%7B%7D", FORM,
                                     extra={"CONTENT_LENGTH": "+15"})
    yield "chunked", Call("POST", [], {"Transfer-Encoding": "chunked"}, b"query=ASK%7B%7D", FORM,
                          extra={"wsgi.input_terminated": True})
    yield "service-refused", get("SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    yield "service-variable", get("SELECT * { SERVICE ?x { ?s ?p ?o } }")
    yield "too-deep", get("ASK " + "{" * 300 + "}" * 300)
    yield "no-acceptable-results", get(SELECT, {"Accept": "text/turtle"})
    yield "no-acceptable-rdf", get(CONSTRUCT, {"Accept": "text/csv"})
    yield "no-acceptable-text-error", get(SELECT, {"Accept": "image/png"})
    yield "unknown-format-name", get(SELECT, format="png")
    yield "head", Call("HEAD", [("query", ASK)])
    yield "options", Call("OPTIONS", [("query", ASK)], {"Access-Control-Request-Headers": "X"})
    yield "put", Call("PUT", [("query", ASK)])
    yield "trailing-slash", Call("GET", [("query", ASK)], extra={"PATH_INFO": "/sparql/"})
    yield "other-path", Call("GET", [("query", ASK)], extra={"PATH_INFO": "/void"})


@pytest.mark.parametrize("request_", [r for _, r in refused_requests()],
                         ids=[name for name, _ in refused_requests()])
def test_refusals_are_flasks_own(pair: Pair, request_: Call) -> None:
    before = pair.flask.calls
    pair.compare(request_)
    assert pair.flask.calls == before + 1, "the fast path answered instead of Flask"


def failing_requests() -> Iterator[tuple[str, Call]]:
    """Queries that fail once running: the fast path answers with the error handlers' bytes."""
    for name, accept in (("json", "application/sparql-results+json"), ("text", "text/csv")):
        for number, request in enumerate(methods("SELECT * WHERE { ?s ?p }", {"Accept": accept})):
            yield f"syntax-{name}-{number}", request
        yield f"unknown-form-{name}", get(f"PREFIX ex: <{EX}> {'{'} ?s ?p ?o }}",
                                          {"Accept": accept})


@pytest.mark.parametrize("request_", [r for _, r in failing_requests()],
                         ids=[name for name, _ in failing_requests()])
def test_execution_errors_are_identical_and_run_once(pair: Pair, request_: Call) -> None:
    before = pair.flask.calls
    answer = pair.compare(request_)
    assert answer.status.startswith("400 ")
    assert pair.flask.calls == before


@pytest.mark.parametrize("accept", ["application/json", "text/csv"])
def test_result_too_large_is_identical(accept: str) -> None:
    pair = make_pair(DLBIO_MAX_RESULT_BYTES=200)
    answer = pair.compare(get(SELECT_ALL, {"Accept": accept}))
    assert answer.status == "413 REQUEST ENTITY TOO LARGE"
    assert pair.flask.calls == 0


@pytest.mark.parametrize("accept", ["application/json", "text/csv"])
def test_timeout_is_identical_and_runs_once(accept: str) -> None:
    pair = make_pair(DLBIO_QUERY_TIMEOUT=0.2)
    answer = pair.compare(get(RUNAWAY, {"Accept": accept}))
    assert answer.status == "503 SERVICE UNAVAILABLE"
    assert b"time limit of 0.2 s" in answer.body
    assert pair.flask.calls == 0


@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_streamed_results_are_identical(encoding: str) -> None:
    pair = make_pair(DLBIO_STREAM_THRESHOLD=100)
    for query, accept in ((SELECT_ALL, "text/csv"), (CONSTRUCT, "application/n-triples"),
                          (CONSTRUCT, "text/turtle")):
        answer = pair.compare(get(query, {"Accept": accept, "Accept-Encoding": encoding}))
        assert answer.header("Content-Length") is None  # streamed
    assert pair.flask.calls == 0


def test_caches_behave_alike() -> None:
    """With the result cache and the front cache on, repeated requests answer alike too."""
    pair = make_pair(DLBIO_CACHE_BYTES=1 << 20)
    for request in [*methods(SELECT, {"Accept": "text/csv"}), get(SELECT_ALL),
                    get(SELECT_ALL, {"Accept-Encoding": "gzip"})] * 3:
        assert pair.compare(request).status == "200 OK"
    assert len(pair.fast.extensions["dlbio_cache"]) == len(pair.slow.extensions["dlbio_cache"])
    assert pair.flask.calls == 0


def test_client_limit_still_applies() -> None:
    """The per-client limit wraps the fast path: a held slot means 429 for the same address."""
    app = make_app(True, DLBIO_MAX_CLIENT_CONCURRENCY=1)
    limiter = next(layer.limiter for layer in layers(app.wsgi_app) if hasattr(layer, "limiter"))
    slot = limiter.acquire("127.0.0.1")
    try:
        assert call(app, get(ASK)).status.startswith("429 ")
    finally:
        slot.release()
    assert call(app, get(ASK)).status == "200 OK"


def test_percent_encoded_names_are_parsed_like_werkzeug(pair: Pair) -> None:
    request = Call("GET", query_string=f"qu%65ry={quote(ASK)}&%66ormat=csv")
    assert pair.compare(request).body == b"true"


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="%+&=\\aF0é\xff✓ ", max_size=24) | st.text(max_size=12))
def test_parameters_are_split_and_decoded_like_parse_qsl(text: str) -> None:
    expected = parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")
    assert _pairs(text) == expected


@pytest.mark.parametrize("text", ["query=%41%zz", "a=%4", "a=%", "a=%C3%A9%FF", "a=%5Cx41",
                                  "a=\\x41%20", "%61=1&&a&=b&a=2", "a=%e2%9c%93+%2B"])
def test_parameter_edge_cases(text: str) -> None:
    expected = parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")
    assert _pairs(text) == expected
