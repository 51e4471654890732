"""Embedded schema.org JSON-LD: valid against the Bioschemas profiles' JSON schemas (copies in
``tests/fixtures/bioschemas``) on every entity page of each type, with every recommended property
the data holds, no empty values, and only statements the entity's RDF makes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pyoxigraph as ox
import pytest
import rdflib
from flask.testing import FlaskClient

from kg.build import BuildResult

SDO = rdflib.Namespace("http://schema.org/")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
EDAM = rdflib.Namespace("http://edamontology.org/")
BASE = "https://w3id.org/dlbio/"
PROFILE_DIR = Path(__file__).parents[1] / "fixtures" / "bioschemas"
#: Page kind → (rdf:type of its entities, profile file, profile IRI the page names).
KINDS = {
    "tool": ("http://schema.org/SoftwareApplication", "ComputationalTool_v1.0-RELEASE.json",
             "https://bioschemas.org/profiles/ComputationalTool/1.0-RELEASE"),
    "article": ("http://schema.org/ScholarlyArticle", "ScholarlyArticle_v0.3-DRAFT.json",
                "https://bioschemas.org/profiles/ScholarlyArticle/0.3-DRAFT"),
    "concept": ("http://www.w3.org/2004/02/skos/core#Concept", "DefinedTerm_v0.1-DRAFT.json",
                "https://bioschemas.org/profiles/DefinedTerm/0.1-DRAFT"),
    "edam": ("http://www.w3.org/2002/07/owl#Class", "DefinedTerm_v0.1-DRAFT.json",
             "https://bioschemas.org/profiles/DefinedTerm/0.1-DRAFT"),
}


def profile(name: str) -> dict:
    """The ``$validation`` JSON schema of a Bioschemas profile definition."""
    document = json.loads((PROFILE_DIR / name).read_text(encoding="utf-8"))
    (schema,) = [node["$validation"] for node in document["@graph"] if "$validation" in node]
    return schema


def instances(release: BuildResult, type_iri: str) -> list[str]:
    """Every subject of the built graph with ``type_iri``."""
    found = set()
    for quad in ox.parse(path=release.release / "dlbio.nt", format=ox.RdfFormat.N_TRIPLES):
        if quad.predicate.value.endswith("#type") and quad.object.value == type_iri:
            found.add(quad.subject.value)
    return sorted(found)


def page_path(iri: str) -> str:
    if iri.startswith(str(EDAM)):
        return "/edam/" + iri[len(str(EDAM)):]
    return "/" + iri[len(BASE):]


def embedded(client: FlaskClient, path: str) -> tuple[dict, rdflib.Graph]:
    html = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1, path
    return json.loads(blocks[0]), rdflib.Graph().parse(data=blocks[0], format="json-ld")


def entity_rdf(client: FlaskClient, path: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=client.get(f"{path}.ttl").data, format="turtle")


def objects(graph: rdflib.Graph, subject: rdflib.URIRef, predicate: rdflib.URIRef) -> set:
    return set(graph.objects(subject, predicate))


def empty_values(value: object, where: str = "") -> Iterator[str]:
    """Paths of every empty string, list or object in a JSON value."""
    if value in ("", [], {}, None):
        yield where
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from empty_values(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from empty_values(item, f"{where}[{i}]")


@pytest.fixture(scope="module")
def pages(ld_release: BuildResult, ld_app) -> dict[str, list[tuple[str, dict]]]:
    """The JSON-LD of every entity page, by kind."""
    client = ld_app.test_client()
    out = {}
    for kind, (type_iri, _, _) in KINDS.items():
        iris = instances(ld_release, type_iri)
        out[kind] = [(iri, embedded(client, page_path(iri))[0]) for iri in iris]
    return out


def test_format_checks_are_active() -> None:
    checker = jsonschema.Draft7Validator.FORMAT_CHECKER
    assert not checker.conforms("not a url", "uri") and not checker.conforms("2021-11", "date")


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_page_is_valid_against_its_profile(pages: dict, kind: str) -> None:
    _, name, iri = KINDS[kind]
    schema = profile(name)
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    assert len(pages[kind]) >= 10
    for entity, node in pages[kind]:
        assert node["dct:conformsTo"] == {"@id": iri}
        problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                    for e in validator.iter_errors(node)]
        assert problems == [], entity
        assert [key for key in schema["required"] if key not in node] == [], entity


@pytest.mark.parametrize("kind", list(KINDS))
def test_no_page_has_empty_values(pages: dict, kind: str) -> None:
    assert [(iri, where) for iri, node in pages[kind] for where in empty_values(node)] == []


def test_recommended_tool_properties_appear_wherever_the_data_holds_them(
        client: FlaskClient, pages: dict) -> None:
    seen = set()
    for iri, node in pages["tool"]:
        rdf = entity_rdf(client, page_path(iri))
        me = rdflib.URIRef(iri)
        if objects(rdf, me, EDAM.has_topic):
            assert node["applicationSubCategory"], iri
        if objects(rdf, me, EDAM.has_function):
            assert node["featureList"], iri
        if objects(rdf, me, SDO.citation):
            assert len(node["citation"]) == len(objects(rdf, me, SDO.citation)), iri
        links = client.get(page_path(iri) + ".ttl").get_data(as_text=True)
        if '"web_server"' in links:
            assert node["applicationCategory"] == ["Web application"], iri
        seen |= {key for key in ("applicationCategory", "codeRepository", "citation") if key in node}
        for absent in ("author", "license", "softwareVersion"):
            assert absent not in node, (iri, absent)
    assert seen == {"applicationCategory", "codeRepository", "citation"}


def test_citations_carry_the_doi_the_paper_page_shows(client: FlaskClient) -> None:
    node, _ = embedded(client, "/method/deepbind")
    (cited,) = node["citation"]
    assert cited == {"@id": BASE + "paper/deepbind", "@type": "ScholarlyArticle",
                     "name": cited["name"], "identifier": "doi:10.1038/nbt.3300",
                     "url": "https://doi.org/10.1038/nbt.3300"}
    assert "10.1038/nbt.3300" in client.get("/paper/deepbind").get_data(as_text=True)


def test_code_repository_is_the_repositorys_url(client: FlaskClient) -> None:
    node, jsonld = embedded(client, "/method/danq")
    rdf = entity_rdf(client, "/repository/uci-cbcl-danq")
    urls = objects(rdf, rdflib.URIRef(BASE + "repository/uci-cbcl-danq"), SDO.url)
    assert node["codeRepository"] == [str(u) for u in urls]
    assert objects(jsonld, rdflib.URIRef(BASE + "method/danq"), SDO.codeRepository) == urls


def test_every_method_states_what_its_rdf_states(client: FlaskClient, pages: dict) -> None:
    for iri, _ in pages["tool"]:
        path = page_path(iri)
        _, jsonld = embedded(client, path)
        rdf = entity_rdf(client, path)
        me = rdflib.URIRef(iri)
        assert objects(jsonld, me, SDO.name) == {rdf.value(me, rdflib.RDFS.label)}
        assert objects(jsonld, me, SDO.description) == objects(rdf, me, DCT.description)
        assert objects(jsonld, me, SDO.applicationSubCategory) == objects(rdf, me, EDAM.has_topic)
        assert objects(jsonld, me, SDO.featureList) == objects(rdf, me, EDAM.has_function)
        for predicate in (SDO.citation, SDO.softwareRequirements, SDO.isBasedOn):
            assert objects(jsonld, me, predicate) == objects(rdf, me, predicate), (iri, predicate)


def test_topics_and_operations_are_edam_terms_of_their_branch(pages: dict) -> None:
    for iri, node in pages["tool"]:
        assert all(t["@id"].startswith(str(EDAM.topic_))
                   for t in node.get("applicationSubCategory", [])), iri
        assert all(t["@id"].startswith(str(EDAM.operation_))
                   for t in node.get("featureList", [])), iri


def test_edam_terms_in_the_json_ld_carry_their_edam_labels(client: FlaskClient) -> None:
    _, jsonld = embedded(client, "/method/deepbind")
    topic = EDAM.topic_0749
    edam = entity_rdf(client, "/edam/topic_0749")
    assert jsonld.value(topic, SDO.name) == edam.value(topic, rdflib.RDFS.label)
    assert (topic, rdflib.RDF.type, SDO.DefinedTerm) in jsonld


def test_paper_is_a_scholarly_article_with_its_doi(client: FlaskClient) -> None:
    node, jsonld = embedded(client, "/paper/deepbind")
    me = rdflib.URIRef(BASE + "paper/deepbind")
    rdf = entity_rdf(client, "/paper/deepbind")
    assert node["@type"] == "ScholarlyArticle"
    assert (me, rdflib.RDF.type, SDO.ScholarlyArticle) in rdf
    assert objects(jsonld, me, SDO.name) == objects(rdf, me, rdflib.RDFS.label)
    assert jsonld.value(me, SDO.identifier) == rdflib.Literal("doi:10.1038/nbt.3300")
    assert (me, SDO.sameAs, rdflib.URIRef("https://doi.org/10.1038/nbt.3300")) in jsonld
    assert node["url"][0] == "https://doi.org/10.1038/nbt.3300"
    assert node["isPartOf"]["@type"] == "Periodical"


def test_partial_dates_are_not_given_as_date_published(pages: dict, client: FlaskClient) -> None:
    partial = 0
    for iri, node in pages["article"]:
        date = entity_rdf(client, page_path(iri)).value(rdflib.URIRef(iri), DCT.date)
        if date is not None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(date)):
            assert node["datePublished"] == str(date)
        else:
            partial += date is not None
            assert "datePublished" not in node
    assert partial > 0  # the data has some (``2021-11``): the rule is exercised


@pytest.mark.parametrize("path", ["/architecture/cnn", "/modality/dna-sequence",
                                  "/subfield/genomics", "/edam/operation_0438"])
def test_vocabulary_terms_are_defined_terms(client: FlaskClient, path: str) -> None:
    node, jsonld = embedded(client, path)
    assert node["@type"] == "DefinedTerm"
    me = rdflib.URIRef(node["@id"])
    rdf = entity_rdf(client, path)
    assert objects(jsonld, me, SDO.name) == objects(rdf, me, rdflib.RDFS.label)
    assert isinstance(node["inDefinedTermSet"], str)
    assert jsonld.value(me, SDO.inDefinedTermSet) == rdflib.URIRef(node["inDefinedTermSet"])


def test_exact_matches_are_same_as(pages: dict, client: FlaskClient) -> None:
    with_match = 0
    for iri, node in pages["concept"]:
        rdf = entity_rdf(client, page_path(iri))
        exact = {str(o) for o in objects(rdf, rdflib.URIRef(iri), rdflib.SKOS.exactMatch)}
        assert set(node.get("sameAs", [])) == exact, iri
        with_match += bool(exact)
    assert with_match > 0
