"""``Content-Encoding: gzip`` on every route when the client accepts it, with its own ETag."""

from __future__ import annotations

import gzip
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.build import BuildResult
from server import create_app

QUERY = "SELECT * WHERE { ?s ?p ?o } LIMIT 50"
#: Endpoint → a request of it (every GET route of the app must be here).
SAMPLES = {
    "pages.static": "/static/style.css",
    "sparql.sparql": f"/sparql?query={QUERY}",
    "sparql.void": "/void",
    "pages.home": "/",
    "linkeddata.entity": "/method/deepbind",
    "linkeddata.edam_term": "/edam/topic_0749",
    "linkeddata.schema_term": "/schema/Method",
    "linkeddata.schema_index": "/schema.ttl",
    "browse.class_index": "/method/",
    "browse.edam_index": "/edam/",
    "browse.browse": "/browse",
    "browse.search_page": "/search?q=deep",
    "downloads.download_page": "/download",
    "downloads.download_file": "/download/dlbio.nt",
    "downloads.well_known_void": "/.well-known/void",
    "downloads.context_document": "/context.jsonld",
    "downloads.citation_file": "/download/datacite.json",
    "registry.resolve": "/resolve/doi:10.1038/nbt.3300",
    "registry.registry_json": "/registry.json",
    "querypage.query_page": "/query",
    "querypage.assets": "/assets/query-style.css",
    "openapi.openapi_json": "/openapi.json",
}
#: More representations of the entity routes.
EXTRA = ["/method/deepbind.ttl", "/method/deepbind.nt", "/method/deepbind.rdf",
         "/method/deepbind.jsonld", "/query/methods-per-year", "/schema", "/method/nope"]


@pytest.fixture(scope="module")
def every_body_app(ld_release: BuildResult) -> Flask:
    """The app compressing every body, however small (so no route escapes by size)."""
    return create_app({"DLBIO_KG_DIR": str(ld_release.release), "TESTING": True,
                       "DLBIO_GZIP_MIN_BYTES": 0})


def test_samples_cover_every_get_route(every_body_app: Flask) -> None:
    routed = {rule.endpoint for rule in every_body_app.url_map.iter_rules()
              if "GET" in rule.methods}
    assert routed == set(SAMPLES)


@pytest.mark.parametrize("path", [*sorted(set(SAMPLES.values())), *EXTRA])
def test_every_route_answers_gzip_when_accepted(every_body_app: Flask, path: str) -> None:
    client = every_body_app.test_client()
    plain = client.get(path)
    coded = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert coded.status_code == plain.status_code
    assert coded.headers["Content-Encoding"] == "gzip", path
    assert "Accept-Encoding" in coded.headers["Vary"]
    assert "Content-Encoding" not in plain.headers
    assert without_nonces(gzip.decompress(coded.data)) == without_nonces(plain.data)


def without_nonces(body: bytes) -> bytes:
    """A body with its per-request CSP nonces blanked (each answer has its own)."""
    return re.sub(rb"(?i)(nonce-|nonce=\"|nonce\": \")[A-Za-z0-9_+/=-]+", rb"\1", body)


def test_small_bodies_stay_plain_at_the_default_threshold(client: FlaskClient) -> None:
    response = client.get("/resolve/doi:10.1038/nbt.3300", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 302 and "Content-Encoding" not in response.headers


def test_refused_gzip_is_not_sent(client: FlaskClient) -> None:
    for value in ("identity", "gzip;q=0", "br"):
        response = client.get("/openapi.json", headers={"Accept-Encoding": value})
        assert "Content-Encoding" not in response.headers, value


def test_gzipped_page_has_its_own_etag_and_revalidates(client: FlaskClient) -> None:
    plain = client.get("/method/deepbind.ttl")
    coded = client.get("/method/deepbind.ttl", headers={"Accept-Encoding": "gzip"})
    assert coded.headers["ETag"] == plain.headers["ETag"][:-1] + '-gzip"'
    again = client.get("/method/deepbind.ttl", headers={
        "Accept-Encoding": "gzip", "If-None-Match": coded.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == coded.headers["ETag"]
    assert again.headers["Access-Control-Allow-Origin"] == "*"


def test_streamed_files_are_compressed_as_a_stream(client: FlaskClient) -> None:
    plain = client.get("/assets/query.js")
    if plain.status_code != 200:
        pytest.skip("the query editor bundle is not built")
    coded = client.get("/assets/query.js", headers={"Accept-Encoding": "gzip"})
    assert coded.is_streamed and "Content-Length" not in coded.headers
    assert gzip.decompress(coded.data) == plain.data


def test_range_requests_get_identity_bytes(client: FlaskClient) -> None:
    plain = client.get("/static/style.css").data
    part = client.get("/static/style.css", headers={"Range": "bytes=0-9",
                                                    "Accept-Encoding": "gzip"})
    assert part.status_code == 206 and part.data == plain[:10]
    assert "Content-Encoding" not in part.headers
