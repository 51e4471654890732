"""SERVICE never reaches a host the operator did not allow; nothing else fetches remote content.

The canary is a loopback listener that must receive zero connections whatever we send.
"""

from __future__ import annotations

import random

import inprocess as http
import pytest

from server.sparql.querytext import QueryRefused, _blanked, _segments, inspect

ALLOW = {"allowed.example"}


def bypass_attempts(url: str) -> dict[str, str]:
    """SERVICE spellings that pyoxigraph executes (each one verified to connect when unguarded)."""
    return {
        "plain": f"SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "lowercase": f"select * {{ service <{url}> {{ ?s ?p ?o }} }}",
        "silent": f"SELECT * {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "silent_glued": f"SELECT * {{ SERVICESILENT<{url}> {{ ?s ?p ?o }} }}",
        "prefixed_name": f"PREFIX r: <{url}> SELECT * {{ SERVICE r: {{ ?s ?p ?o }} }}",
        "empty_prefix_glued": f"PREFIX : <{url}> SELECT * {{ SERVICE:x {{ ?s ?p ?o }} }}",
        "after_number": f"SELECT * {{ ?s ?p 1SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "after_boolean": f"SELECT * {{ ?s ?p trueSERVICE <{url}> {{ ?s ?p ?o }} }}",
        "after_dot": f"SELECT * {{ ?s ?p ?x.SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "hidden_in_iri_lookalike": f"PREFIX : <{url}> SELECT * {{ BIND(1 AS ?a) BIND(2 AS ?b) "
                                   "FILTER(?a<?b)SERVICE:x#>\n { ?s ?p ?o } }",
        "comments_between": f"SELECT * {{ SERVICE # x\n SILENT # y\n <{url}> {{ ?s ?p ?o }} }}",
        "variable": f"SELECT * {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        "relative_with_base": f"BASE <{url}> SELECT * {{ SERVICE <x> {{ ?s ?p ?o }} }}",
        "escaped_iri": "SELECT * { SERVICE <" + url.replace(":", "\\u003A")
                       + "> { ?s ?p ?o } }",
        "userinfo_trick": "SELECT * { SERVICE <http://allowed.example@"
                          + url.split("//")[1] + "> { ?s ?p ?o } }",
        "in_subquery": f"SELECT * {{ {{ SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        "ask": f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "construct": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    }


@pytest.mark.parametrize("name", sorted(bypass_attempts("http://127.0.0.1:1/sparql")))
def test_service_to_unlisted_host_is_refused_before_connecting(
    endpoint: str, listener, name: str
) -> None:
    query = bypass_attempts(listener.url)[name]
    response = http.post(endpoint, data={"query": query})
    assert response.status_code == 403, response.text
    assert "SERVICE" in response.json()["error"]["message"]
    assert listener.connections == []


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <{url}> {{ ?s ?p ?o }}",
        "SELECT * FROM NAMED <{url}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "DESCRIBE <{url}>",
        "SELECT * {{ GRAPH <{url}> {{ ?s ?p ?o }} }}",
    ],
)
def test_graph_iris_and_describe_never_fetch(endpoint: str, listener, query: str) -> None:
    response = http.get(endpoint, params={"query": query.format(url=listener.url)})
    assert response.status_code == 200
    params = {"query": "ASK { ?s ?p ?o }", "default-graph-uri": listener.url}
    assert http.get(endpoint, params=params).json()["boolean"] is False
    assert listener.connections == []


def test_allow_listed_service_is_federated(endpoint: str, remote_sparql: int) -> None:
    query = f"SELECT ?remote {{ SERVICE <http://localhost:{remote_sparql}/sparql> {{ ?x ?y ?z }} }}"
    response = http.get(endpoint, params={"query": query})
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"] == [
        {"remote": {"type": "literal", "value": "federated"}}
    ]


def test_allow_list_entry_with_port_does_not_allow_other_ports(endpoint: str, listener) -> None:
    query = f"SELECT * {{ SERVICE <http://localhost:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    assert http.get(endpoint, params={"query": query}).status_code == 403
    assert listener.connections == []


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service { ?service a <http://example.org/Service> }",
        "SELECT * { ?s ?p 'SERVICE <http://127.0.0.1/>' }",
        "SELECT * { ?s ?p ?o } # SERVICE <http://127.0.0.1/>",
        "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> "
        "SELECT * { ?s a sd:Service ; sd:endpoint ?e }",
        "PREFIX service: <http://example.org/> SELECT * { ?s ?p ?o }",
        "SELECT * { ?s <http://example.org/service#a> <http://example.org/service/b> }",
        "SELECT * { SERVICE <http://allowed.example/sparql> { ?s ?p ?o } }",
        "SELECT * { ?s a <http://www.w3.org/2002/07/owl#Class> } # SERVICE <http://127.0.0.1/>",
        "SELECT * { ?s a <http://e/x#C> # SERVICE <http://127.0.0.1/>\n }",
    ],
)
def test_harmless_queries_pass_the_scan(query: str) -> None:
    inspect(query, ALLOW, "https://w3id.org/dlbio/")


def test_query_form_is_found_after_the_prologue() -> None:
    query = "PREFIX ask: <http://example.org/ask/> # SELECT\nCONSTRUCT WHERE { ?s ?p ?o }"
    assert inspect(query, set()).form == "CONSTRUCT"


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    with pytest.raises(QueryRefused) as raised:
        inspect("SELECT * " + "{" * 300 + "}" * 300, set(), max_nesting=200)
    assert raised.value.status == 400
    inspect("SELECT * " + "{" * 150 + "}" * 150, set(), max_nesting=200)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { ?s a <http://www.w3.org/2002/07/owl#Class> SERVICE <http://127.0.0.1/> {} }",
        "PREFIX owl: <http://www.w3.org/2002/07/owl#> SELECT * { SERVICE owl:x {} }",
        "SELECT * { <x#y> ?p ?o } # c\n SERVICE <http://127.0.0.1/> {}",
    ],
)
def test_service_after_iris_with_a_hash_is_still_seen(query: str) -> None:
    """A ``#`` inside IRIs is no comment: the SERVICE clause after it must still be checked."""
    with pytest.raises(QueryRefused) as raised:
        inspect(query, ALLOW, "https://w3id.org/dlbio/")
    assert raised.value.status == 403


@pytest.mark.parametrize("seed", range(3))
def test_quick_scan_agrees_with_the_full_pass(seed: int) -> None:
    """Without quotes, ``_segments`` skips the blanking pass when every ``#`` is inside an IRI;
    whatever it returns must equal that pass (same code, same IRI spans)."""
    rng = random.Random(seed)
    pieces = ["<http://a#b>", "<x#>", "#", " ", "\n", "SERVICE", "<", ">", "{", "a", "?s", ":",
              "<http://e/>", "\\u0023", "|", "#>"]
    for _ in range(4000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        code, iris = _segments(text)
        full_code, full_iris = _blanked(text)
        assert code == full_code, text
        assert iris is None or iris == full_iris, text
