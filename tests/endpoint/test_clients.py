"""Real semantic-web clients against the real server: SPARQLWrapper (every format), rdflib."""

from __future__ import annotations

import csv
import io

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

EX = "http://example.org/dlbio-test/"
METHODS = f"PREFIX ex: <{EX}> SELECT ?m ?year WHERE {{ ?m a ex:Method ; ex:year ?year }} ORDER BY ?m"
DESCRIBE_2015 = f"PREFIX ex: <{EX}> CONSTRUCT {{ ?m ex:year 2015 }} WHERE {{ ?m ex:year 2015 }}"
EXPECTED_METHODS = {f"{EX}alphafold", f"{EX}deepbind", f"{EX}unet"}


def wrapper(endpoint: str, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    """A SPARQLWrapper set up for one query."""
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method)
    return sparql


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json(live_endpoint: str, method: str) -> None:
    result = wrapper(live_endpoint, METHODS, JSON, method).queryAndConvert()
    assert {b["m"]["value"] for b in result["results"]["bindings"]} == EXPECTED_METHODS


def test_sparqlwrapper_select_xml(live_endpoint: str) -> None:
    document = wrapper(live_endpoint, METHODS, XML).queryAndConvert()
    uris = {node.firstChild.data for node in document.getElementsByTagName("uri")}
    assert uris == EXPECTED_METHODS


@pytest.mark.parametrize(("fmt", "delimiter"), [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_select_csv_tsv(live_endpoint: str, fmt: str, delimiter: str) -> None:
    text = wrapper(live_endpoint, METHODS, fmt).queryAndConvert().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert rows[0] == (["m", "year"] if fmt == CSV else ["?m", "?year"])
    assert len(rows) == 4


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(live_endpoint: str, fmt: str) -> None:
    result = wrapper(live_endpoint, f"ASK {{ <{EX}unet> ?p ?o }}", fmt).query()
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+")
    converted = result.convert()
    if fmt == JSON:
        assert converted["boolean"] is True
    else:
        assert converted.getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD])
def test_sparqlwrapper_construct(live_endpoint: str, fmt: str) -> None:
    result = wrapper(live_endpoint, DESCRIBE_2015, fmt).queryAndConvert()
    graph = result if isinstance(result, Graph) else Graph().parse(data=result, format="turtle")
    year = URIRef(f"{EX}year")
    assert set(graph.subjects(year, None)) == {URIRef(f"{EX}deepbind"), URIRef(f"{EX}unet")}


def test_sparqlwrapper_describe(live_endpoint: str) -> None:
    graph = wrapper(live_endpoint, f"DESCRIBE <{EX}alphafold>", RDFXML).queryAndConvert()
    assert (URIRef(f"{EX}alphafold"), URIRef(f"{EX}year"), Literal(2021)) in graph


def test_rdflib_sparqlstore_select_and_construct(live_endpoint: str) -> None:
    graph = Graph(store=SPARQLStore(live_endpoint))
    rows = list(graph.query(METHODS))
    assert {str(row[0]) for row in rows} == EXPECTED_METHODS
    assert {int(row[1]) for row in rows} == {2015, 2021}
    constructed = graph.query(DESCRIBE_2015).graph
    assert len(constructed) == 2


def test_rdflib_sparqlstore_triples_and_ask(live_endpoint: str) -> None:
    graph = Graph(store=SPARQLStore(live_endpoint))
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    assert (URIRef(f"{EX}deepbind"), label, Literal("DeepBind")) in graph
    assert graph.query(f"ASK {{ <{EX}nothing> ?p ?o }}").askAnswer is False
