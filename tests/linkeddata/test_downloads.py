"""``/download``: the list of dumps and the files themselves (ETag, Last-Modified, Range)."""

from __future__ import annotations

import gzip
import hashlib
import json

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
