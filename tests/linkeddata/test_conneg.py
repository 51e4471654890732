"""Content negotiation on entity IRIs: Accept headers, suffixes, headers, and the RDF itself."""

from __future__ import annotations

import pytest
import rdflib
from flask.testing import FlaskClient
from rdflib.compare import isomorphic

BASE = "https://w3id.org/dlbio/"
DEEPBIND = rdflib.URIRef(BASE + "method/deepbind")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (None, "text/html; charset=utf-8"),
        ("", "text/html; charset=utf-8"),
        ("*/*", "text/html; charset=utf-8"),
        (BROWSER, "text/html; charset=utf-8"),
        ("text/html", "text/html; charset=utf-8"),
        ("application/xhtml+xml", "text/html; charset=utf-8"),
        ("text/turtle", "text/turtle; charset=utf-8"),
        ("application/x-turtle", "text/turtle; charset=utf-8"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/ld+json", "application/ld+json"),
        ("application/json", "application/ld+json"),
        ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
        ("text/html;q=0.1, text/turtle", "text/turtle; charset=utf-8"),
        ("text/*", "text/html; charset=utf-8"),
        ("application/*", "application/n-triples"),
    ],
)
def test_accept_selects_representation(client: FlaskClient, accept: str | None,
                                       content_type: str) -> None:
    headers = {} if accept is None else {"Accept": accept}
    response = client.get("/method/deepbind", headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type


@pytest.mark.parametrize("accept", ["image/png", "text/csv", "application/sparql-results+json"])
def test_unmet_accept_is_406_listing_the_offer(client: FlaskClient, accept: str) -> None:
    response = client.get("/method/deepbind", headers={"Accept": accept})
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True)
    assert "Accept" in response.headers["Vary"].split(", ")


@pytest.mark.parametrize(
    ("suffix", "content_type"),
    [
        ("ttl", "text/turtle; charset=utf-8"),
        ("nt", "application/n-triples"),
        ("rdf", "application/rdf+xml"),
        ("jsonld", "application/ld+json"),
        ("html", "text/html; charset=utf-8"),
    ],
)
def test_suffix_overrides_accept(client: FlaskClient, suffix: str, content_type: str) -> None:
    response = client.get(f"/method/deepbind.{suffix}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert "Content-Location" not in response.headers


def test_negotiated_answer_varies_on_accept_and_names_its_location(client: FlaskClient) -> None:
    response = client.get("/method/deepbind", headers={"Accept": "text/turtle"})
    assert "Accept" in response.headers["Vary"].split(", ")
    assert response.headers["Content-Location"] == "/method/deepbind.ttl"


def test_link_header_lists_every_alternate_and_the_canonical_iri(client: FlaskClient) -> None:
    link = client.get("/method/deepbind").headers["Link"]
    for suffix, media in [("ttl", "text/turtle"), ("nt", "application/n-triples"),
                          ("rdf", "application/rdf+xml"), ("jsonld", "application/ld+json"),
                          ("html", "text/html")]:
        assert f'</method/deepbind.{suffix}>; rel="alternate"; type="{media}"' in link
    assert f'<{DEEPBIND}>; rel="canonical"' in link


@pytest.mark.parametrize(("media", "syntax"), sorted(RDF_TYPES.items()))
def test_every_rdf_format_parses_to_the_same_graph(client: FlaskClient, media: str,
                                                   syntax: str) -> None:
    reference = rdflib.Graph().parse(data=client.get("/method/deepbind.nt").data, format="nt")
    body = client.get("/method/deepbind", headers={"Accept": media}).data
    graph = rdflib.Graph().parse(data=body, format=syntax)
    assert isomorphic(graph, reference)
    assert (DEEPBIND, rdflib.RDFS.label, rdflib.Literal("DeepBind")) in graph


def test_entity_rdf_is_what_the_dump_says_about_it(client: FlaskClient, ld_release) -> None:
    dump = rdflib.Graph().parse(ld_release.release / "dlbio.nt", format="nt")
    expected = rdflib.Graph()
    for s, p, o in dump:
        if str(s) == str(DEEPBIND) or str(s).startswith(f"{DEEPBIND}#"):
            expected.add((s, p, o))
    served = rdflib.Graph().parse(data=client.get("/method/deepbind.ttl").data, format="turtle")
    assert len(expected) > 20
    assert isomorphic(served, expected)


def test_edam_term_iri_is_served_as_rdf(client: FlaskClient) -> None:
    response = client.get("/edam/topic_0749", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    term = rdflib.URIRef("http://edamontology.org/topic_0749")
    assert (term, rdflib.RDF.type, rdflib.OWL.Class) in graph
    assert graph.value(term, rdflib.RDFS.label) == rdflib.Literal(
        "Transcription factors and regulatory sites")


def test_etag_gives_304_for_the_same_representation(client: FlaskClient) -> None:
    first = client.get("/method/deepbind", headers={"Accept": "text/turtle"})
    again = client.get("/method/deepbind", headers={"Accept": "text/turtle",
                                                    "If-None-Match": first.headers["ETag"]})
    other = client.get("/method/deepbind", headers={"Accept": "application/ld+json",
                                                    "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert other.status_code == 200


def test_head_answers_like_get_without_body(client: FlaskClient) -> None:
    response = client.head("/paper/deepbind", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert response.data == b""


@pytest.mark.parametrize(
    "path",
    ["/method/deepbind", "/paper/deepbind", "/architecture/cnn", "/modality/dna-sequence",
     "/subfield/genomics", "/framework/keras", "/dataset/deeplearning-biology",
     "/scheme/architectures", "/edam/operation_0438"],
)
def test_every_class_dereferences_as_html_and_turtle(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 200
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert len(rdflib.Graph().parse(data=turtle.data, format="turtle")) > 1
