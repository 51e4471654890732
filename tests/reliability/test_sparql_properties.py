"""Property tests: random, mutated and hostile SPARQL requests against a real server.

Generated: small valid queries from a grammar, character-level mutations of them, deep nesting,
huge literals, undecodable bytes in the body and odd ``Accept`` / ``Content-Type`` headers. Every
response must hold the invariants in ``invariants.py`` and the server must keep answering.
"""

from __future__ import annotations

import os

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from invariants import assert_still_up, check

EXAMPLES = int(os.environ.get("DLBIO_FUZZ_EXAMPLES", "25"))
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))
SESSION = requests.Session()

VARIABLES = st.sampled_from(["?s", "?p", "?o", "?x", "?name"])
TERMS = st.one_of(
    VARIABLES,
    st.sampled_from(["<https://w3id.org/dlbio/method/deepbind>", "schema:name", "a", "rdf:type",
                     '"DeepBind"', '"x"@en', "42", "3.5e1", "true", "[]", "_:b", "<>"]),
)
TRIPLES = st.lists(st.tuples(TERMS, TERMS, TERMS).map(" ".join), min_size=1, max_size=4).map(
    " . ".join)
FILTERS = st.sampled_from(["", "FILTER(?o > 1)", "FILTER(REGEX(STR(?o), 'a', 'i'))",
                           "FILTER(LANG(?o) = 'en')", "FILTER NOT EXISTS { ?s ?p ?s }",
                           "BIND(STRLEN(STR(?o)) AS ?len)", "VALUES ?x { 1 2 }"])


@st.composite
def groups(draw: st.DrawFn, depth: int = 2) -> str:
    """A group graph pattern with optional OPTIONAL / UNION / MINUS / sub-groups."""
    body = f"{draw(TRIPLES)} . {draw(FILTERS)}"
    if depth > 0 and draw(st.booleans()):
        inner = draw(groups(depth - 1))
        keyword = draw(st.sampled_from(["OPTIONAL", "MINUS", "", "GRAPH ?g"]))
        body += f" {keyword} {inner}"
        if draw(st.booleans()):
            body = f"{{ {body} }} UNION {draw(groups(depth - 1))}"
    return "{ " + body + " }"


@st.composite
def queries(draw: st.DrawFn) -> str:
    """A (mostly) valid SPARQL query of any form."""
    prefix = "PREFIX schema: <http://schema.org/> PREFIX rdf: " \
             "<http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
    where = draw(groups())
    form = draw(st.sampled_from([
        "SELECT * WHERE", "SELECT DISTINCT ?s WHERE", "SELECT (COUNT(*) AS ?n) WHERE", "ASK",
        "CONSTRUCT WHERE", "DESCRIBE ?s WHERE", "SELECT ?s (SAMPLE(?o) AS ?x) WHERE"]))
    tail = draw(st.sampled_from(["", " LIMIT 5", " ORDER BY ?s LIMIT 3 OFFSET 1",
                                 " GROUP BY ?s", " LIMIT -1", " LIMIT 99999999999999999999"]))
    return f"{prefix}{form} {where}{tail}"


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A valid query with random characters deleted, inserted or replaced."""
    text = draw(queries())
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        junk = draw(st.text(min_size=0, max_size=4))
        cut = draw(st.integers(0, 3))
        text = text[:at] + junk + text[at + cut:]
    return text


def send(base: str, query: str, method: str, accept: str = "*/*") -> requests.Response:
    """Send ``query`` by GET, form POST or direct POST."""
    url, headers = f"{base}/sparql", {"Accept": accept}
    if method == "GET":
        return SESSION.get(url, params={"query": query}, headers=headers, timeout=30)
    if method == "FORM":
        return SESSION.post(url, data={"query": query}, headers=headers, timeout=30)
    headers["Content-Type"] = "application/sparql-query"
    return SESSION.post(url, data=query.encode("utf-8", "surrogatepass"), headers=headers,
                        timeout=30)


METHODS = st.sampled_from(["GET", "FORM", "DIRECT"])


def test_valid_and_mutated_queries(live: str) -> None:
    @given(query=st.one_of(queries(), mutated()), method=METHODS)
    @SETTINGS
    def run(query: str, method: str) -> None:
        check(send(live, query, method))

    run()
    assert_still_up(live)


def test_deep_nesting_and_long_chains(live: str) -> None:
    @given(depth=st.integers(10, 20_000), opener=st.sampled_from(["{", "(", "[", "{ OPTIONAL {"]),
           closed=st.booleans(), method=st.sampled_from(["FORM", "DIRECT"]))
    @SETTINGS
    def run(depth: int, opener: str, closed: bool, method: str) -> None:
        closer = {"{": "}", "(": ")", "[": "]", "{ OPTIONAL {": "} }"}[opener]
        inner = "?s ?p ?o" if opener != "(" else "1"
        where = opener * depth + inner + (closer * depth if closed else "")
        select = "SELECT * WHERE " if opener != "(" else "SELECT ("
        tail = "" if opener != "(" else " AS ?x) {}"
        check(send(live, select + where + tail, method))

    run()
    assert_still_up(live)


def test_huge_literals(live: str) -> None:
    @given(size=st.integers(1_000, 400_000), char=st.sampled_from(["a", "é", "\U0001f600", "\\"]),
           method=st.sampled_from(["FORM", "DIRECT"]))
    @SETTINGS
    def run(size: int, char: str, method: str) -> None:
        check(send(live, f'SELECT * WHERE {{ ?s ?p "{char * size}" }}', method))

    run()
    assert_still_up(live)


def test_undecodable_bodies(live: str) -> None:
    @given(prefix=queries(), junk=st.binary(min_size=1, max_size=64),
           charset=st.sampled_from(["", "; charset=utf-8", "; charset=latin-1", "; charset=bogus"]),
           kind=st.sampled_from(["application/sparql-query", "application/x-www-form-urlencoded"]))
    @SETTINGS
    def run(prefix: str, junk: bytes, charset: str, kind: str) -> None:
        body = (b"query=" if kind.endswith("urlencoded") else b"") + prefix.encode() + b"\xff\xfe" + junk
        check(SESSION.post(f"{live}/sparql", data=body, timeout=30,
                           headers={"Content-Type": kind + charset, "Accept": "*/*"}))

    run()
    assert_still_up(live)


HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80)
MEDIA = st.sampled_from(["application/sparql-results+json", "text/csv", "text/turtle",
                         "application/json;q=0", "*/*;q=abc", "text/*", "image/png", "", "*",
                         "application/sparql-query", "multipart/form-data; boundary=x",
                         "application/x-www-form-urlencoded; charset=utf-16"])


def test_odd_headers(live: str) -> None:
    @given(accept=st.one_of(MEDIA, HEADER_TEXT), content_type=st.one_of(MEDIA, HEADER_TEXT),
           query=queries(), method=st.sampled_from(["GET", "POST"]),
           encoding=st.one_of(st.just("gzip"), HEADER_TEXT))
    @SETTINGS
    def run(accept: str, content_type: str, query: str, method: str, encoding: str) -> None:
        headers = {"Accept": accept, "Content-Type": content_type, "Accept-Encoding": encoding}
        if method == "GET":
            response = SESSION.get(f"{live}/sparql", params={"query": query}, headers=headers,
                                   timeout=30)
        else:
            response = SESSION.post(f"{live}/sparql", data=query.encode(), headers=headers,
                                    timeout=30)
        check(response)

    run()
    assert_still_up(live)
