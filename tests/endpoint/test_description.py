"""The SPARQL 1.1 Service Description (GET /sparql without a query) and the VoID at /void."""

from __future__ import annotations

import inprocess as http
import pyoxigraph as ox
import pytest

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
SYNTAXES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}


def description(endpoint: str, accept: str = "text/turtle") -> ox.Store:
    """Fetch the service description and load it into a store."""
    response = http.get(endpoint, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == accept
    store = ox.Store()
    store.load(response.content, format=SYNTAXES[accept])
    return store


def ask(store: ox.Store, query: str) -> bool:
    """Run an ASK query (with the sd: and void: prefixes) on a parsed description."""
    return bool(store.query(f"PREFIX sd: <{SD}> PREFIX void: <{VOID}> {query}"))


@pytest.mark.parametrize("accept", sorted(SYNTAXES))
def test_service_description_names_the_real_endpoint(endpoint: str, accept: str) -> None:
    store = description(endpoint, accept)
    assert ask(store, f"ASK {{ ?service a sd:Service ; sd:endpoint <{endpoint}> }}")


def test_service_description_lists_result_formats(endpoint: str) -> None:
    formats = {
        row["f"].value
        for row in description(endpoint).query(f"SELECT ?f {{ ?s <{SD}resultFormat> ?f }}")
    }
    names = {iri.rsplit("/", 1)[1] for iri in formats}
    assert names == {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                     "SPARQL_Results_TSV", "Turtle", "N-Triples", "RDF_XML", "JSON-LD",
                     "N-Quads", "TriG"}


def test_service_description_describes_the_default_dataset(endpoint: str, server: str) -> None:
    store = description(endpoint)
    assert ask(store, f"""ASK {{ ?service sd:defaultDataset ?d .
        ?d a sd:Dataset ; <http://www.w3.org/2000/01/rdf-schema#seeAlso> <{server}/void> ;
           sd:defaultGraph [ void:triples ?n ] ;
           sd:namedGraph [ sd:name <http://example.org/dlbio-test/data1> ] }}""")


def test_service_description_never_advertises_update(endpoint: str) -> None:
    store = description(endpoint)
    assert ask(store, "ASK { ?s sd:supportedLanguage sd:SPARQL11Query }")
    assert not ask(store, "ASK { ?s ?p sd:SPARQL11Update }")
    assert not ask(store, "ASK { ?s sd:feature ?f FILTER(CONTAINS(STR(?f), 'Update')) }")


def test_service_description_advertises_federation_only_when_allowed(endpoint: str,
                                                                     client) -> None:
    assert ask(description(endpoint), "ASK { ?s sd:feature sd:BasicFederatedQuery }")
    local = ox.Store()
    local.load(client.get("/sparql").data, format=ox.RdfFormat.TURTLE)
    assert not ask(local, "ASK { ?s sd:feature sd:BasicFederatedQuery }")


def test_service_description_with_unmet_accept_is_406(endpoint: str) -> None:
    response = http.get(endpoint, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 406


def test_browser_accept_gets_a_page_about_the_endpoint(endpoint: str) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = http.get(endpoint, headers={"Accept": accept})
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Accept" in response.headers["Vary"]
    assert "<h1>SPARQL endpoint</h1>" in response.text
    assert 'href="?format=turtle"' in response.text  # the service description, one link away


@pytest.mark.parametrize("accept", [None, "*/*", "text/turtle, */*;q=0.1",
                                    "application/rdf+xml, text/html;q=0.5"])
def test_rdf_clients_still_get_the_service_description(endpoint: str, accept: str | None) -> None:
    response = http.get(endpoint, headers={"Accept": accept} if accept else {})
    assert response.headers["Content-Type"].split(";")[0] in ("text/turtle", "application/rdf+xml")


def test_void_for_loaded_files_counts_the_default_graph(server: str) -> None:
    response = http.get(f"{server}/void", headers={"Accept": "application/n-triples"})
    assert response.headers["Content-Type"] == "application/n-triples"
    store = ox.Store()
    store.load(response.content, format=ox.RdfFormat.N_TRIPLES)
    rows = list(store.query(f"SELECT ?n ?e {{ ?d <{VOID}triples> ?n ; <{VOID}sparqlEndpoint> ?e }}"))
    assert int(rows[0]["n"].value) == 15  # the default graph of fixtures/protocol.trig
    assert rows[0]["e"].value == f"{server}/sparql"
