"""Content negotiation: the pure Accept matcher, then the real server's Content-Type by Accept."""

from __future__ import annotations

import inprocess as http
import pytest

from server.web.negotiation import (
    RDF_FORMATS,
    RESULT_FORMATS,
    accepts_gzip,
    by_name,
    negotiate,
    parse_accept,
)

SELECT = "SELECT ?s { ?s a <http://example.org/dlbio-test/Method> }"
CONSTRUCT = "CONSTRUCT WHERE { ?s a <http://example.org/dlbio-test/Method> }"


def test_parse_accept_reads_q_values_and_drops_empty_parts() -> None:
    assert parse_accept("text/csv;q=0.5, ,application/json;charset=utf-8;q=oops") == [
        ("text/csv", 0.5),
        ("application/json", 0.0),
    ]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
        ("text/*", "text/csv"),
        ("text/*, text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/json"),
        ("application/xml;q=0.9, */*;q=0.1", "application/xml"),
        ("*/*;q=0.1, text/csv;q=0", "application/sparql-results+json"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "application/sparql-results+json"),
        ("text/turtle", None),
        ("text/csv;q=0", None),
    ],
)
def test_negotiate_results(accept: str | None, expected: str | None) -> None:
    choice = negotiate(accept, RESULT_FORMATS)
    assert (choice.media_type if choice else None) == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/turtle"),
        ("application/n-triples, */*", "application/n-triples"),
        ("application/rdf+xml;q=0.9, text/turtle;q=0.8", "application/rdf+xml"),
        ("application/ld+json", "application/ld+json"),
        ("application/json", "application/json"),
        ("application/n-quads", "application/n-quads"),
        ("application/trig", "application/trig"),
        ("application/sparql-results+json", None),
    ],
)
def test_negotiate_rdf(accept: str | None, expected: str | None) -> None:
    choice = negotiate(accept, RDF_FORMATS)
    assert (choice.media_type if choice else None) == expected


def test_format_names_resolve_within_the_kind() -> None:
    assert by_name("xml", RESULT_FORMATS).media_type == "application/sparql-results+xml"
    assert by_name("xml", RDF_FORMATS).media_type == "application/rdf+xml"
    assert by_name("TTL", RDF_FORMATS).media_type == "text/turtle"
    assert by_name("text/csv", RESULT_FORMATS).media_type == "text/csv"
    assert by_name("csv", RDF_FORMATS) is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [("gzip, deflate", True), ("gzip;q=0", False), ("*", True), ("identity", False),
     (None, False), ("*, gzip;q=0", False)],
)
def test_accepts_gzip(header: str | None, expected: bool) -> None:
    assert accepts_gzip(header) is expected


@pytest.mark.parametrize(
    ("query", "accept", "content_type"),
    [
        (SELECT, "application/sparql-results+json", "application/sparql-results+json"),
        (SELECT, "application/sparql-results+xml", "application/sparql-results+xml"),
        (SELECT, "text/csv", "text/csv; charset=utf-8"),
        (SELECT, "text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
        (SELECT, "text/plain;q=0.2, application/sparql-results+xml;q=0.9",
         "application/sparql-results+xml"),
        (CONSTRUCT, "text/turtle", "text/turtle; charset=utf-8"),
        (CONSTRUCT, "application/n-triples", "application/n-triples"),
        (CONSTRUCT, "application/rdf+xml", "application/rdf+xml"),
        (CONSTRUCT, "application/ld+json", "application/ld+json"),
        (CONSTRUCT, "application/n-quads", "application/n-quads"),
        (CONSTRUCT, "application/trig", "application/trig"),
        (CONSTRUCT, "*/*", "text/turtle; charset=utf-8"),
    ],
)
def test_server_content_type_follows_accept(
    endpoint: str, query: str, accept: str, content_type: str
) -> None:
    response = http.get(endpoint, params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert b"deepbind" in response.content


@pytest.mark.parametrize(
    ("query", "accept"),
    [(SELECT, "text/turtle"), (CONSTRUCT, "application/sparql-results+json"),
     (SELECT, "image/png"), ("ASK {}", "application/rdf+xml")],
)
def test_unmet_accept_is_406_not_a_fallback(endpoint: str, query: str, accept: str) -> None:
    response = http.get(endpoint, params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 406
    assert "no acceptable format" in response.text


@pytest.mark.parametrize(
    ("query", "name", "content_type"),
    [(SELECT, "csv", "text/csv; charset=utf-8"), (SELECT, "xml", "application/sparql-results+xml"),
     (CONSTRUCT, "nt", "application/n-triples"), (CONSTRUCT, "jsonld", "application/ld+json")],
)
def test_format_parameter_overrides_accept(
    endpoint: str, query: str, name: str, content_type: str
) -> None:
    response = http.get(endpoint, params={"query": query, "format": name},
                            headers={"Accept": "text/html"})
    assert response.headers["Content-Type"] == content_type


def test_format_parameter_of_the_wrong_kind_is_406(endpoint: str) -> None:
    response = http.get(endpoint, params={"query": CONSTRUCT, "format": "csv"})
    assert response.status_code == 406
