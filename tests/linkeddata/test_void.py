"""The VoID/DCAT description of the release: complete enough for DCAT harvesters."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from kg.build import BuildResult

PREFIXES = """PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX void: <http://rdfs.org/ns/void#> PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX spdx: <http://spdx.org/rdf/terms#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dataset: <https://w3id.org/dlbio/dataset/>
"""
IANA = "https://www.iana.org/assignments/media-types/"


@pytest.fixture(scope="module")
def void(ld_app) -> ox.Store:
    store = ox.Store()
    data = ld_app.test_client().get("/void", headers={"Accept": "text/turtle"}).data
    store.load(data, format=ox.RdfFormat.TURTLE)
    return store


@pytest.fixture(scope="module")
def manifest(ld_release: BuildResult) -> dict:
    return json.loads((ld_release.release / "manifest.json").read_text())


def ask(store: ox.Store, pattern: str) -> bool:
    return bool(store.query(PREFIXES + f"ASK {{ {pattern} }}"))


def test_dataset_has_dates_publisher_version_and_licence(void: ox.Store, manifest: dict) -> None:
    assert ask(void, f"""dataset:dlbio-kg dcterms:modified ?m ; dcterms:issued ?i ;
        dcterms:created ?c ; dcat:version "{manifest['version']}" ;
        dcterms:license <https://creativecommons.org/publicdomain/zero/1.0/> ;
        dcterms:publisher [ a foaf:Organization ; foaf:name ?n ; foaf:homepage ?h ] ;
        dcat:landingPage <https://w3id.org/dlbio/> .
        FILTER (datatype(?m) = xsd:dateTime)""")


def test_every_distribution_is_complete(void: ox.Store, manifest: dict) -> None:
    rows = void.query(PREFIXES + """SELECT ?url ?type ?packed ?sum ?size ?licence ?access WHERE {
        dataset:dlbio-kg dcat:distribution ?d . ?d dcat:downloadURL ?url ; dcat:mediaType ?type ;
        dcat:accessURL ?access ; dcat:byteSize ?size ; dcterms:license ?licence ;
        spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue ?sum ]
        OPTIONAL { ?d dcat:compressFormat ?packed } }""")
    seen = {}
    for row in rows:
        name = row["url"].value.rsplit("/", 1)[1]
        info = manifest["files"][name]
        assert isinstance(row["type"], ox.NamedNode)
        assert row["type"].value == IANA + info["media_type"]
        packed = row["packed"].value if row["packed"] else None
        assert packed == (IANA + "application/gzip" if info["encoding"] else None)
        assert row["sum"].value == info["sha256"] and int(row["size"].value) == info["size"]
        seen[name] = True
    assert set(seen) == set(manifest["files"])


def test_media_type_iris_are_iana_registrations(void: ox.Store) -> None:
    types = {r["t"].value for r in void.query(
        PREFIXES + "SELECT DISTINCT ?t WHERE { ?d dcat:mediaType ?t }")}
    assert types == {IANA + "text/turtle", IANA + "application/n-triples",
                     IANA + "application/ld+json"}


def test_formats_are_void_features(void: ox.Store) -> None:
    assert ask(void, "dataset:dlbio-kg void:feature <http://www.w3.org/ns/formats/Turtle> , "
                     "<http://www.w3.org/ns/formats/JSON-LD> , <http://www.w3.org/ns/formats/N-Triples>")


def test_example_queries_are_listed(void: ox.Store, client: FlaskClient) -> None:
    assert ask(void, "dataset:dlbio-kg void:subset/void:exampleResource ?q")
