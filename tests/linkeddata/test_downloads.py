"""``/download``: the list of dumps and the files themselves (ETag, Last-Modified, Range)."""

from __future__ import annotations

import gzip
import hashlib
import json

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from kg.build import BuildResult


@pytest.fixture(scope="module")
def manifest(ld_release: BuildResult) -> dict:
    return json.loads((ld_release.release / "manifest.json").read_text())


def test_page_lists_every_dump_with_size_checksum_and_triples(client: FlaskClient,
                                                              manifest: dict) -> None:
    page = client.get("/download").get_data(as_text=True)
    assert len(manifest["files"]) == 6
    for name, info in manifest["files"].items():
        assert f'href="/download/{name}"' in page
        assert info["sha256"] in page
        assert f"({info['size']} bytes)" in page
    assert f"<dd>{manifest['triples']}</dd>" in page
    assert manifest["version"] in page
    assert "https://creativecommons.org/publicdomain/zero/1.0/" in page


@pytest.mark.parametrize("name", ["dlbio.ttl", "dlbio.nt", "dlbio.jsonld", "dlbio.nt.gz"])
def test_file_bytes_match_the_manifest_checksum(client: FlaskClient, manifest: dict,
                                                name: str) -> None:
    response = client.get(f"/download/{name}")
    assert response.status_code == 200
    assert hashlib.sha256(response.data).hexdigest() == manifest["files"][name]["sha256"]
    assert response.headers["ETag"] == f'"{manifest["files"][name]["sha256"]}"'
    assert "Last-Modified" in response.headers


def test_media_types_of_plain_and_gzipped_dumps(client: FlaskClient) -> None:
    assert client.get("/download/dlbio.ttl").mimetype == "text/turtle"
    assert client.get("/download/dlbio.jsonld").mimetype == "application/ld+json"
    packed = client.get("/download/dlbio.ttl.gz")
    assert packed.mimetype == "application/gzip"
    assert gzip.decompress(packed.data) == client.get("/download/dlbio.ttl").data


def test_etag_revalidation_gives_304(client: FlaskClient) -> None:
    etag = client.get("/download/dlbio.nt").headers["ETag"]
    assert client.get("/download/dlbio.nt", headers={"If-None-Match": etag}).status_code == 304


def test_if_modified_since_gives_304(client: FlaskClient) -> None:
    modified = client.get("/download/dlbio.nt").headers["Last-Modified"]
    response = client.get("/download/dlbio.nt", headers={"If-Modified-Since": modified})
    assert response.status_code == 304


def test_range_request_gives_206_with_those_bytes(client: FlaskClient) -> None:
    whole = client.get("/download/dlbio.nt").data
    part = client.get("/download/dlbio.nt", headers={"Range": "bytes=10-29"})
    assert part.status_code == 206
    assert part.data == whole[10:30]
    assert part.headers["Content-Range"] == f"bytes 10-29/{len(whole)}"
    assert part.headers["Accept-Ranges"] == "bytes"


def test_unknown_file_is_404(client: FlaskClient) -> None:
    assert client.get("/download/manifest.json").status_code == 404
    assert client.get("/download/..%2Fmanifest.json").status_code == 404


def test_well_known_void_is_the_void(client: FlaskClient) -> None:
    ours = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    theirs = client.get("/void", headers={"Accept": "text/turtle"})
    assert ours.status_code == 200
    assert ours.data == theirs.data
    assert b"void:Dataset" in ours.data or b"rdfs.org/ns/void#Dataset" in ours.data


COMUNICA_ACCEPT = ("application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,"
                   "application/n-triples;q=0.8,text/turtle;q=0.6,application/rdf+xml;q=0.5,"
                   "text/n3;q=0.35,*/*;q=0.1")


def test_dump_asked_with_gzip_is_its_precomputed_gz(client: FlaskClient, manifest: dict) -> None:
    response = client.get("/download/dlbio.ttl", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.mimetype == "text/turtle"
    assert response.headers["ETag"] == f'"{manifest["files"]["dlbio.ttl.gz"]["sha256"]}"'
    assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(response.data) == client.get("/download/dlbio.ttl").data


def test_gz_file_is_rdf_coded_as_gzip_for_clients_that_name_the_rdf_type(
        client: FlaskClient) -> None:
    for name, media_type in (("dlbio.ttl.gz", "text/turtle"),
                             ("dlbio.jsonld.gz", "application/ld+json")):
        response = client.get(f"/download/{name}",
                              headers={"Accept": COMUNICA_ACCEPT, "Accept-Encoding": "gzip"})
        assert response.mimetype == media_type
        assert response.headers["Content-Encoding"] == "gzip"
        plain = client.get(f"/download/{name.removesuffix('.gz')}").data
        assert gzip.decompress(response.data) == plain


@pytest.mark.parametrize("headers", [{}, {"Accept-Encoding": "gzip"},
                                     {"Accept": "text/turtle"},
                                     {"Accept": "*/*", "Accept-Encoding": "gzip"}])
def test_gz_file_is_a_gzip_file_otherwise(client: FlaskClient, headers: dict) -> None:
    response = client.get("/download/dlbio.ttl.gz", headers=headers)
    assert response.mimetype == "application/gzip"
    assert "Content-Encoding" not in response.headers


def test_range_with_gzip_accepted_gives_the_files_own_bytes(client: FlaskClient) -> None:
    whole = client.get("/download/dlbio.nt").data
    part = client.get("/download/dlbio.nt",
                      headers={"Range": "bytes=10-29", "Accept-Encoding": "gzip"})
    assert part.status_code == 206 and "Content-Encoding" not in part.headers
    assert part.data == whole[10:30]


def test_gzip_variant_revalidates_with_its_own_etag(client: FlaskClient) -> None:
    coded = client.get("/download/dlbio.nt", headers={"Accept-Encoding": "gzip"})
    plain = client.get("/download/dlbio.nt")
    assert coded.headers["ETag"] != plain.headers["ETag"]
    again = client.get("/download/dlbio.nt", headers={"Accept-Encoding": "gzip",
                                                      "If-None-Match": coded.headers["ETag"]})
    assert again.status_code == 304


def test_json_ld_dump_is_compacted_with_the_published_context(client: FlaskClient,
                                                              ld_release: BuildResult) -> None:
    from kg.jsonld import CONTEXT_IRI

    dump = client.get("/download/dlbio.jsonld").data
    document = json.loads(dump)
    served = client.get(CONTEXT_IRI.removeprefix("https://w3id.org/dlbio"))
    assert served.status_code == 200 and served.mimetype == "application/ld+json"
    assert served.headers["Access-Control-Allow-Origin"] == "*"
    assert document["@context"] == served.json["@context"]  # embedded as published
    parsed = {q.triple for q in ox.parse(dump, format=ox.RdfFormat.JSON_LD)}  # offline
    expected = {q.triple for q in ox.parse(path=ld_release.release / "dlbio.nt",
                                           format=ox.RdfFormat.N_TRIPLES)}
    assert parsed == expected
    assert all(not key.startswith("http") for node in document["@graph"] for key in node)
    assert len(dump) < 1.3 * len(client.get("/download/dlbio.ttl").data)


def test_context_revalidates(client: FlaskClient) -> None:
    etag = client.get("/context.jsonld").headers["ETag"]
    assert client.get("/context.jsonld", headers={"If-None-Match": etag}).status_code == 304
