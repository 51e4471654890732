"""Whole-graph dumps and the RDF documents about the endpoint (Service Description, VoID).

The service description names the real endpoint URL, the result formats, the default dataset and
the VoID link; it never advertises SPARQL Update.

A full dump (``CONSTRUCT WHERE { ?s ?p ?o }``, optionally inside one ``GRAPH <g>``, recognised by
``server.sparql.querytext.full_dump_graph``) is answered straight from the store's index: the
engine's CONSTRUCT keeps a set of the triples it emitted (memory grows with the result), while
the store's triples are already unique.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from server.graph.store import KG
from server.web.negotiation import RDF_FORMATS, RESULT_FORMATS, Format

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SEE_ALSO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
VERSION = ox.NamedNode("http://purl.org/dc/terms/hasVersion")
PREFIXES = {"sd": SD, "void": VOID, "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "dcterms": "http://purl.org/dc/terms/", "formats": "http://www.w3.org/ns/formats/"}
MAX_LISTED_GRAPHS = 1000
def graph_triples(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> Iterator[ox.Triple]:
    """Every triple of one graph of the store, streamed from its index."""
    for quad in store.quads_for_pattern(None, None, None, graph):
        yield quad.triple


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def _dataset(kg: KG, void_url: str) -> list[ox.Triple]:
    dataset, default_graph = ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    triples = [
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, SEE_ALSO, ox.NamedNode(void_url)),
        ox.Triple(dataset, VERSION, ox.Literal(kg.version)),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
    ]
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    triples.append(ox.Triple(default_graph, ox.NamedNode(VOID + "triples"),
                             ox.Literal(str(kg.triples), datatype=integer)))
    for index, name in enumerate(kg.named_graphs[:MAX_LISTED_GRAPHS]):
        node = ox.BlankNode(f"namedGraph{index}")
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), node),
            ox.Triple(node, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(node, _sd("name"), ox.NamedNode(name)),
        ]
    return triples


def service_description(kg: KG, endpoint: str, void_url: str, federation: bool) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint``."""
    service = ox.NamedNode(endpoint)
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), service),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("defaultEntailmentRegime"),
                  ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, _sd("defaultDataset"), ox.BlankNode("dataset")),
    ]
    if federation:
        triples.append(ox.Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    for fmt in (*RESULT_FORMATS, *RDF_FORMATS):
        triples.append(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(fmt.sd_iri)))
    return triples + _dataset(kg, void_url)


def minimal_void(kg: KG, void_url: str, endpoint: str) -> list[ox.Triple]:
    """A VoID description for served files that come without one (``--load``)."""
    dataset = ox.NamedNode(void_url + "#dataset")
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    return [
        ox.Triple(dataset, RDF_TYPE, ox.NamedNode(VOID + "Dataset")),
        ox.Triple(dataset, ox.NamedNode(VOID + "sparqlEndpoint"), ox.NamedNode(endpoint)),
        ox.Triple(dataset, ox.NamedNode(VOID + "triples"), ox.Literal(str(kg.triples),
                                                                      datatype=integer)),
        ox.Triple(dataset, VERSION, ox.Literal(kg.version)),
    ]


def serialize(triples: list[ox.Triple], fmt: Format) -> bytes:
    """Serialize a small graph in ``fmt`` (prefixes are used where the syntax has them)."""
    return ox.serialize(triples, format=fmt.oxigraph, prefixes=PREFIXES)


def parse_turtle(data: bytes) -> list[ox.Triple]:
    """Parse a Turtle document into triples (to re-serialize the VoID in another format)."""
    return [quad.triple for quad in ox.parse(data, format=ox.RdfFormat.TURTLE)]
