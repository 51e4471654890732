"""Redirects and misses: renamed records (301), unknown IDs (404), the identifiers.org-style resolver."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


def test_renamed_record_answers_301_to_its_successor(client: FlaskClient) -> None:
    response = client.get("/framework/th")
    assert response.status_code == 301
    assert response.headers["Location"] == "/framework/theano"


def test_renamed_record_keeps_the_requested_suffix(client: FlaskClient) -> None:
    response = client.get("/framework/th.ttl")
    assert response.status_code == 301
    assert response.headers["Location"] == "/framework/theano.ttl"


def test_renamed_record_redirects_rdf_clients_too(client: FlaskClient) -> None:
    response = client.get("/framework/th", headers={"Accept": "text/turtle"})
    assert response.status_code == 301
    followed = client.get(response.headers["Location"], headers={"Accept": "text/turtle"})
    assert b"Theano" in followed.data


def test_renamed_record_is_not_listed_in_the_index(client: FlaskClient) -> None:
    page = client.get("/framework/").get_data(as_text=True)
    assert 'href="/framework/theano"' in page
    assert 'href="/framework/th"' not in page


def test_unknown_id_gives_html_404_with_a_search_box(client: FlaskClient) -> None:
    response = client.get("/method/no-such-method", headers={"Accept": "text/html"})
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<form role="search" action="/search"' in page
    assert 'value="no such method"' in page


def test_unknown_id_gives_a_short_message_to_rdf_clients(client: FlaskClient) -> None:
    response = client.get("/method/no-such-method", headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert "no entity https://w3id.org/dlbio/method/no-such-method" in response.get_data(as_text=True)


def test_unknown_schema_term_is_404(client: FlaskClient) -> None:
    assert client.get("/schema/NoSuchClass", headers={"Accept": "text/turtle"}).status_code == 404


@pytest.mark.parametrize(
    ("reference", "location"),
    [
        ("dlbio:method/deepbind", "/method/deepbind"),
        ("dlbio/method/deepbind", "/method/deepbind"),
        ("method:deepbind", "/method/deepbind"),
        ("paper/deepbind", "/paper/deepbind"),
        ("doi:10.1038/nbt.3300", "/paper/deepbind"),
        ("DOI:10.1038/NBT.3300", "/paper/deepbind"),
        ("doi/10.1038/nbt.3300", "/paper/deepbind"),
        ("arxiv:1611.05777", "/paper/deeperbind"),
        ("github:uci-cbcl/DanQ", "/repository/uci-cbcl-danq"),
        ("github/uci-cbcl/danq", "/repository/uci-cbcl-danq"),
        ("biotools:dcell", "/method/dcell"),
        ("kipoi:DeepBind", "/method/deepbind"),
        ("edam:topic_0749", "/edam/topic_0749"),
        ("edam/operation_0438", "/edam/operation_0438"),
    ],
)
def test_resolve_redirects_to_the_entity(client: FlaskClient, reference: str,
                                         location: str) -> None:
    response = client.get(f"/resolve/{reference}")
    assert response.status_code == 302
    assert response.headers["Location"] == location
    assert client.get(location).status_code == 200


def test_every_paper_doi_resolves_to_its_paper(client: FlaskClient, curated) -> None:
    papers = [p for p in curated("papers.yaml") + curated("reviews.yaml") if "doi" in p]
    assert len(papers) > 10
    for paper in papers:
        response = client.get(f"/resolve/doi:{paper['doi']}")
        assert response.headers["Location"] == "/" + paper["id"].replace(":", "/")


@pytest.mark.parametrize(
    ("reference", "status", "text"),
    [
        ("doi:10.9999/not.here", 404, "https://doi.org/10.9999/not.here"),
        ("nosuchprefix:123", 404, "unknown prefix"),
        ("edam:topic_12", 400, "not a valid edam identifier"),
        ("justtext", 400, "not a CURIE"),
        ("dlbio:Method/DeepBind", 400, "does not match the dlbio ID pattern"),
    ],
)
def test_resolve_misses(client: FlaskClient, reference: str, status: int, text: str) -> None:
    response = client.get(f"/resolve/{reference}", headers={"Accept": "text/plain"})
    assert response.status_code == status
    assert text in response.get_data(as_text=True)
