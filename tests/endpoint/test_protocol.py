"""The SPARQL 1.1 Protocol checklist (W3C protocol manifest), case by case, over plain HTTP.

Every query case and bad-request case of the manifest has a test here with our own fixture
(``fixtures/protocol.trig``); every update case is refused (see ``test_read_only.py``).
"""

from __future__ import annotations

import inprocess as http
import pytest

EX = "http://example.org/dlbio-test/"
D1, D2, D3 = f"{EX}data1", f"{EX}data2", f"{EX}data3"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}
BOTH_DOCS = f"ASK {{ <{D1}> a ?type . <{D2}> a ?type . }}"
NAMED_DOCS = f"ASK {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"


def boolean(response: http.Answer) -> bool:
    """The boolean of a successful ASK answered in SPARQL JSON."""
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/sparql-results+json"
    return response.json()["boolean"]


def test_query_via_url_encoded_post(endpoint: str) -> None:
    response = http.post(
        endpoint, params={"default-graph-uri": D1}, data="query=ASK%20%7B%7D", headers=FORM
    )
    assert boolean(response) is True


def test_query_via_get(endpoint: str) -> None:
    assert boolean(http.get(endpoint, params={"query": "ASK {}"})) is True


def test_query_via_direct_post(endpoint: str) -> None:
    assert boolean(http.post(endpoint, data="ASK {}", headers=DIRECT)) is True


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    ("query", "graph_param"),
    [(BOTH_DOCS, "default-graph-uri"), (NAMED_DOCS, "named-graph-uri")],
    ids=["default-graphs", "named-graphs"],
)
def test_protocol_specified_graphs(endpoint: str, method: str, query: str,
                                   graph_param: str) -> None:
    params = {graph_param: [D1, D2]}
    if method == "GET":
        response = http.get(endpoint, params={"query": query, **params})
    else:
        response = http.post(endpoint, params=params, data=query, headers=DIRECT)
    assert boolean(response) is True


def test_protocol_dataset_with_default_and_named_graphs(endpoint: str) -> None:
    query = (
        f"ASK {{ <{D3}> a ?type GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
    )
    params = {"default-graph-uri": D3, "named-graph-uri": [D1, D2]}
    assert boolean(http.post(endpoint, params=params, data=query, headers=DIRECT)) is True


def test_protocol_dataset_replaces_the_query_from_clause(endpoint: str) -> None:
    query = (
        f"ASK FROM <{D3}> {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
    )
    params = {"named-graph-uri": [D1, D2]}
    assert boolean(http.post(endpoint, params=params, data=query, headers=DIRECT)) is True
    # … and FROM <D3> is really replaced: D3's triple is not in the (empty) default graph
    query = f"ASK FROM <{D3}> {{ <{D3}> a ?type }}"
    assert boolean(http.post(endpoint, params=params, data=query, headers=DIRECT)) is False


def test_store_default_graph_does_not_leak_into_protocol_dataset(endpoint: str) -> None:
    query = f"ASK {{ <{EX}deepbind> ?p ?o }}"
    assert boolean(http.get(endpoint, params={"query": query})) is True
    for params in ({"default-graph-uri": D1}, {"named-graph-uri": D1}):
        assert boolean(http.get(endpoint, params={"query": query, **params})) is False


def test_only_default_graph_uri_leaves_no_named_graphs(endpoint: str) -> None:
    params = {"query": "ASK { GRAPH ?g { ?s ?p ?o } }", "default-graph-uri": D1}
    assert boolean(http.get(endpoint, params=params)) is False


def test_named_graph_uri_limits_the_named_graphs(endpoint: str) -> None:
    query = f"ASK {{ GRAPH ?g {{ <{D3}> ?p ?o }} }}"
    assert boolean(http.get(endpoint, params={"query": query})) is True
    params = {"query": query, "named-graph-uri": [D1, D2]}
    assert boolean(http.get(endpoint, params=params)) is False


@pytest.mark.parametrize(
    ("query", "allowed"),
    [
        ("SELECT (1 AS ?value) {}", {"application/sparql-results+json",
                                     "application/sparql-results+xml", "text/csv",
                                     "text/tab-separated-values"}),
        ("ASK {}", {"application/sparql-results+json", "application/sparql-results+xml"}),
        ("DESCRIBE <http://example.org/>", {"text/turtle", "application/rdf+xml",
                                            "application/n-triples"}),
        ("CONSTRUCT { <s> <p> 1 } WHERE {}", {"text/turtle", "application/rdf+xml",
                                              "application/n-triples"}),
    ],
)
def test_query_appropriate_content_type(endpoint: str, query: str, allowed: set[str]) -> None:
    response = http.post(endpoint, params={"default-graph-uri": D1}, data=query,
                             headers=DIRECT)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] in allowed


def test_relative_iris_resolve_against_the_base_iri(endpoint: str) -> None:
    response = http.get(endpoint, params={"query": "SELECT (<thing> AS ?x) {}"})
    assert response.json()["results"]["bindings"][0]["x"]["value"] == (
        "https://w3id.org/dlbio/thing"
    )


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_bad_query_method(endpoint: str, method: str) -> None:
    response = http.request(method, endpoint, params={"query": "ASK {}"}, headers=FORM)
    assert response.status_code == 405
    assert "GET or POST" in response.json()["error"]["message"]


def test_bad_multiple_queries(endpoint: str) -> None:
    response = http.get(endpoint, params={"query": ["ASK {}", "SELECT * {}"]})
    assert response.status_code == 400
    assert "exactly one query" in response.json()["error"]["message"]


def test_bad_multiple_queries_in_form_and_url(endpoint: str) -> None:
    response = http.post(endpoint, params={"query": "ASK {}"}, data={"query": "ASK {}"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ("ASK {}", {"Content-Type": "text/plain"}),  # wrong media type
        ("query=ASK%20%7B%7D", {"Content-Type": ""}),  # url-encoded body, no media type
        ("ASK {}", {"Content-Type": ""}),  # SPARQL body, no media type
    ],
)
def test_bad_request_media_type_is_415(endpoint: str, body: str, headers: dict) -> None:
    response = http.post(endpoint, data=body.encode(), headers=headers)
    assert response.status_code == 415
    assert "application/sparql-query" in response.json()["error"]["message"]


def test_bad_query_non_utf8(endpoint: str) -> None:
    headers = {"Content-Type": "application/sparql-query; charset=UTF-16"}
    response = http.post(endpoint, data="ASK {}".encode("utf-16"), headers=headers)
    assert response.status_code == 415


def test_bad_query_invalid_utf8_bytes(endpoint: str) -> None:
    response = http.post(endpoint, data=b"ASK { \xff }", headers=DIRECT)
    assert response.status_code == 400


def test_bad_query_syntax_reports_the_parser_message(endpoint: str) -> None:
    response = http.get(endpoint, params={"query": "ASK {"})
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert message.startswith("query syntax error: error at 1:6")


def test_bad_dataset_iri(endpoint: str) -> None:
    params = {"query": "ASK {}", "default-graph-uri": "not an iri"}
    assert http.get(endpoint, params=params).status_code == 400
