"""Embedded schema.org JSON-LD: parses as JSON-LD (offline) and states what the entity's RDF states."""

from __future__ import annotations

import json
import re

import pytest
import rdflib
from flask.testing import FlaskClient

SDO = rdflib.Namespace("http://schema.org/")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
EDAM = rdflib.Namespace("http://edamontology.org/")
BASE = "https://w3id.org/dlbio/"
TOOL = "https://bioschemas.org/profiles/ComputationalTool/1.0-RELEASE"


def embedded(client: FlaskClient, path: str) -> tuple[dict, rdflib.Graph]:
    html = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0]), rdflib.Graph().parse(data=blocks[0], format="json-ld")


def entity_rdf(client: FlaskClient, path: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=client.get(f"{path}.ttl").data, format="turtle")


def objects(graph: rdflib.Graph, subject: rdflib.URIRef, predicate: rdflib.URIRef) -> set:
    return set(graph.objects(subject, predicate))


def method_ids(curated) -> list[str]:
    return [m["id"].split(":", 1)[1] for m in curated("methods.yaml")]


def test_every_method_is_a_computational_tool_matching_its_rdf(client: FlaskClient,
                                                               curated) -> None:
    for local in method_ids(curated):
        path = f"/method/{local}"
        node, jsonld = embedded(client, path)
        rdf = entity_rdf(client, path)
        me = rdflib.URIRef(BASE + f"method/{local}")
        assert node["@type"] == "SoftwareApplication" and node["@id"] == str(me)
        assert (me, DCT.conformsTo, rdflib.URIRef(TOOL)) in jsonld
        assert objects(jsonld, me, SDO.name) == {rdf.value(me, rdflib.RDFS.label)}
        assert objects(jsonld, me, SDO.description) == objects(rdf, me, DCT.description)
        assert objects(jsonld, me, SDO.applicationSubCategory) == objects(rdf, me, EDAM.has_topic)
        assert objects(jsonld, me, SDO.featureList) == objects(rdf, me, EDAM.has_function)
        for predicate in (SDO.citation, SDO.codeRepository, SDO.softwareRequirements):
            assert objects(jsonld, me, predicate) == objects(rdf, me, predicate), (local, predicate)


def test_edam_terms_in_the_json_ld_carry_their_edam_labels(client: FlaskClient) -> None:
    _, jsonld = embedded(client, "/method/deepbind")
    topic = EDAM.topic_0749
    edam = entity_rdf(client, "/edam/topic_0749")
    assert jsonld.value(topic, SDO.name) == edam.value(topic, rdflib.RDFS.label)
    assert (topic, rdflib.RDF.type, SDO.DefinedTerm) in jsonld


def test_code_repository_urls_match_the_repository_rdf(client: FlaskClient) -> None:
    _, jsonld = embedded(client, "/method/danq")
    repository = rdflib.URIRef(BASE + "repository/uci-cbcl-danq")
    rdf = entity_rdf(client, "/repository/uci-cbcl-danq")
    assert objects(jsonld, repository, SDO.url) == objects(rdf, repository, SDO.url)


def test_paper_is_a_scholarly_article_with_its_doi(client: FlaskClient) -> None:
    node, jsonld = embedded(client, "/paper/deepbind")
    me = rdflib.URIRef(BASE + "paper/deepbind")
    rdf = entity_rdf(client, "/paper/deepbind")
    assert node["@type"] == "ScholarlyArticle"
    assert (me, rdflib.RDF.type, SDO.ScholarlyArticle) in rdf
    assert objects(jsonld, me, SDO.name) == objects(rdf, me, rdflib.RDFS.label)
    assert jsonld.value(me, SDO.identifier) == rdflib.Literal("doi:10.1038/nbt.3300")
    assert (me, SDO.sameAs, rdflib.URIRef("https://doi.org/10.1038/nbt.3300")) in jsonld


@pytest.mark.parametrize("path", ["/architecture/cnn", "/modality/dna-sequence",
                                  "/subfield/genomics", "/edam/operation_0438"])
def test_vocabulary_terms_are_defined_terms(client: FlaskClient, path: str) -> None:
    node, jsonld = embedded(client, path)
    assert node["@type"] == "DefinedTerm"
    me = rdflib.URIRef(node["@id"])
    rdf = entity_rdf(client, path)
    assert objects(jsonld, me, SDO.name) == objects(rdf, me, rdflib.RDFS.label)
    assert jsonld.value(me, SDO.inDefinedTermSet) is not None
