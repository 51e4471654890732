"""The schema namespace: every class and slot of the LinkML schema resolves to its definition."""

from __future__ import annotations

import pytest
import rdflib
import yaml
from flask.testing import FlaskClient

from kg.paths import PROJECT_ROOT

SCHEMA = yaml.safe_load((PROJECT_ROOT / "schema" / "dlbio.yaml").read_text())
NS = "https://w3id.org/dlbio/schema/"


@pytest.mark.parametrize("name", sorted(SCHEMA["classes"]) + sorted(SCHEMA["slots"]))
def test_every_class_and_slot_resolves_with_its_description(client: FlaskClient,
                                                            name: str) -> None:
    section = "classes" if name in SCHEMA["classes"] else "slots"
    description = " ".join(SCHEMA[section][name]["description"].split())
    graph = rdflib.Graph().parse(data=client.get(f"/schema/{name}.ttl").data, format="turtle")
    assert graph.value(rdflib.URIRef(NS + name), rdflib.SKOS.definition) == rdflib.Literal(description)
    assert client.get(f"/schema/{name}").status_code == 200


def test_slot_uri_in_the_namespace_resolves_too(client: FlaskClient) -> None:
    graph = rdflib.Graph().parse(data=client.get("/schema/dataModality.ttl").data, format="turtle")
    subject = rdflib.URIRef(NS + "dataModality")
    assert (subject, rdflib.RDF.type, rdflib.RDF.Property) in graph
    assert graph.value(subject, rdflib.RDFS.label) == rdflib.Literal("modalities")


def test_class_definition_page_and_mapping(client: FlaskClient) -> None:
    html = client.get("/schema/Method", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "A published deep-learning method" in html
    assert "http://schema.org/SoftwareApplication" in html
    graph = rdflib.Graph().parse(data=client.get("/schema/Method",
                                 headers={"Accept": "application/ld+json"}).data, format="json-ld")
    method = rdflib.URIRef(NS + "Method")
    assert (method, rdflib.OWL.equivalentClass, rdflib.URIRef("http://schema.org/SoftwareApplication")) in graph
    assert (method, rdflib.RDFS.subClassOf, rdflib.URIRef(NS + "NamedThing")) in graph


def test_schema_document_is_an_ontology(client: FlaskClient) -> None:
    response = client.get("/schema", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    assert (rdflib.URIRef(SCHEMA["id"]), rdflib.RDF.type, rdflib.OWL.Ontology) in graph
    assert "Accept" in response.headers["Vary"].split(", ")
    assert "Classes" in client.get("/schema/").get_data(as_text=True)
