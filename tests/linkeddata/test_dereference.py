"""Every IRI the build mints dereferences here: each subject IRI of the built real KG (the dump and
the VoID, incl. ``query/…`` examples VoID lists), with its fragment dropped, answers 200 or 303
(a renamed record's 301 leads to one that does).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from kg.build import BuildResult

BASE = "https://w3id.org/dlbio/"
VOID = "http://rdfs.org/ns/void#"


def subjects(release: BuildResult) -> set[str]:
    found = set()
    for name, fmt in (("dlbio.nt", ox.RdfFormat.N_TRIPLES), ("void.ttl", ox.RdfFormat.TURTLE)):
        for quad in ox.parse(path=release.release / name, format=fmt):
            if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(BASE):
                found.add(quad.subject.value.split("#", 1)[0])
    return found


@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
def test_every_subject_iri_dereferences(client: FlaskClient, ld_release: BuildResult,
                                        accept: str) -> None:
    iris = subjects(ld_release)
    assert {iri[len(BASE):].split("/")[0] for iri in iris} >= {
        "method", "paper", "query", "scheme", "version", "resource", "dataset"}
    failed = [(iri, status) for iri in sorted(iris)
              if (status := answer(client, "/" + iri[len(BASE):], accept)) not in (200, 303)]
    assert failed == []


def answer(client: FlaskClient, path: str, accept: str) -> int:
    """The status of ``path``; a record renamed since (301) answers as its successor does."""
    response = client.get(path, headers={"Accept": accept})
    if response.status_code == 301:
        return client.get(response.headers["Location"], headers={"Accept": accept}).status_code
    return response.status_code


def test_void_example_queries_are_pages(client: FlaskClient, ld_release: BuildResult) -> None:
    examples = [q.object.value for q in ox.parse(path=ld_release.release / "void.ttl",
                                                  format=ox.RdfFormat.TURTLE)
                if q.predicate.value == VOID + "exampleResource"]
    assert len(examples) >= 10
    for iri in examples:
        page = client.get("/" + iri[len(BASE):], headers={"Accept": "text/html"})
        assert page.status_code == 200, iri
        stem = iri.rsplit("/", 1)[1]
        assert f'href="/query?example={stem}"' in page.get_data(as_text=True)
        rdf = client.get("/" + iri[len(BASE):] + ".ttl")
        assert b"SPARQLExecutable" in rdf.data
