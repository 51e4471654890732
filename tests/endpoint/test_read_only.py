"""Read-only: every update form of the protocol manifest is refused and the data never changes."""

from __future__ import annotations

import inprocess as http
import pytest

EX = "http://example.org/dlbio-test/"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
UPDATE = {"Content-Type": "application/sparql-update"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
INSERT_FROM_DOCS = f"""PREFIX foaf: <http://xmlns.com/foaf/0.1/>
DROP ALL ;
INSERT DATA {{ GRAPH <{EX}data1> {{ <{EX}data1> a foaf:Document }} }} ;
INSERT {{ GRAPH <http://example.org/copy/> {{ ?s a foaf:Document }} }} WHERE {{ ?s a foaf:Document }}"""

UPDATE_REQUESTS = {
    "update_dataset_default_graph": ("POST", {"using-graph-uri": f"{EX}data1"},
                                     INSERT_FROM_DOCS, UPDATE),
    "update_dataset_default_graphs": ("POST", {"using-graph-uri": [f"{EX}data1", f"{EX}data2"]},
                                      INSERT_FROM_DOCS, UPDATE),
    "update_dataset_named_graphs": ("POST", {"using-named-graph-uri": [f"{EX}data1"]},
                                    INSERT_FROM_DOCS, UPDATE),
    "update_dataset_full": ("POST", {"using-graph-uri": f"{EX}data1",
                                     "using-named-graph-uri": f"{EX}data2"},
                            INSERT_FROM_DOCS, UPDATE),
    "update_post_form": ("POST", {}, "update=CLEAR+ALL", FORM),
    "update_post_direct": ("POST", {}, "CLEAR ALL", UPDATE),
    "update_base_uri": ("POST", {}, "CLEAR SILENT GRAPH <http://example.org/base/> ;\n"
                        "INSERT DATA { GRAPH <http://example.org/base/> { <s> <p> <test> } }",
                        UPDATE),
    "bad_update_get": ("GET", {"update": "CLEAR ALL"}, None, {}),
    "bad_multiple_updates": ("POST", {}, "update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", FORM),
    "bad_update_syntax": ("POST", {}, "update=CLEAR%20XYZ", FORM),
    "bad_update_dataset_conflict": ("POST", {"using-named-graph-uri": "http://example/people"},
                                    "WITH <http://example/addresses> DELETE { ?s ?p ?o } "
                                    "WHERE { ?s ?p ?o }", UPDATE),
    "update_in_url_of_direct_query_post": ("POST", {"update": "CLEAR ALL"}, "ASK {}",
                                           {"Content-Type": "application/sparql-query"}),
}


def count_all(endpoint: str) -> int:
    """The number of triples in all graphs of the session server."""
    response = http.get(endpoint, params={"query": COUNT_ALL})
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("case", sorted(UPDATE_REQUESTS))
def test_update_is_refused_and_data_unchanged(endpoint: str, case: str) -> None:
    before = count_all(endpoint)
    method, params, body, headers = UPDATE_REQUESTS[case]
    response = http.request(method, endpoint, params=params, data=body, headers=headers)
    assert response.status_code == 403
    assert "read-only" in response.json()["error"]["message"]
    assert count_all(endpoint) == before > 0


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ("CLEAR NAMED", {"Content-Type": "text/plain"}),  # bad_update_wrong_media_type
        ("update=CLEAR%20NAMED", {"Content-Type": ""}),  # bad_update_missing_form_type
    ],
)
def test_update_with_wrong_media_type_is_refused(endpoint: str, body: str, headers: dict) -> None:
    before = count_all(endpoint)
    assert http.post(endpoint, data=body.encode(), headers=headers).status_code == 415
    assert count_all(endpoint) == before


def test_update_non_utf8_is_refused(endpoint: str) -> None:
    headers = {"Content-Type": "application/sparql-update; charset=UTF-16"}
    response = http.post(endpoint, data="CLEAR NAMED".encode("utf-16"), headers=headers)
    assert response.status_code == 403


def test_update_sent_as_a_query_is_a_syntax_error(endpoint: str) -> None:
    before = count_all(endpoint)
    response = http.get(endpoint, params={"query": "CLEAR ALL"})
    assert response.status_code == 400
    assert count_all(endpoint) == before


def test_load_is_refused_without_fetching(endpoint: str, listener) -> None:
    before = len(listener.connections)
    response = http.post(endpoint, data=f"LOAD <{listener.url}>", headers=UPDATE)
    assert response.status_code == 403
    response = http.get(endpoint, params={"query": f"LOAD <{listener.url}>"})
    assert response.status_code == 400
    assert len(listener.connections) == before
