"""``/registry.json``: the record a registry needs, checked against the rules registries apply."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

REQUIRED = ("prefix", "name", "homepage", "description", "pattern", "uri_format", "example",
            "license", "contact", "publications", "keywords")


@pytest.fixture
def record(client: FlaskClient) -> dict:
    response = client.get("/registry.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.json


def test_has_every_field_a_registry_asks_for(record: dict) -> None:
    assert [key for key in REQUIRED if not record.get(key) and key != "publications"] == []
    assert record["prefix"] == "dlbio"


def test_pattern_is_anchored_and_compiles(record: dict) -> None:
    assert record["pattern"].startswith("^") and record["pattern"].endswith("$")
    re.compile(record["pattern"])


def test_example_matches_the_pattern(record: dict) -> None:
    assert re.fullmatch(record["pattern"], record["example"])


def test_pattern_rejects_what_is_not_an_id(record: dict) -> None:
    for bad in ("method/DeepBind", "method/", "deepbind", "method/deep bind", "foo/bar"):
        assert not re.match(record["pattern"], bad), bad


def test_uri_format_has_one_placeholder_under_the_homepage(record: dict) -> None:
    assert record["uri_format"].count("$1") == 1
    assert record["uri_format"].startswith(record["homepage"])


def test_example_resolves_through_the_uri_format(client: FlaskClient, record: dict) -> None:
    iri = record["uri_format"].replace("$1", record["example"])
    path = "/" + iri[len(record["homepage"]):]
    assert client.get(path).status_code == 200
    assert client.get(f"/resolve/dlbio:{record['example']}").status_code == 302


def test_every_served_entity_id_matches_the_pattern(client: FlaskClient, record: dict,
                                                     curated) -> None:
    for name in ("methods.yaml", "papers.yaml", "architectures.yaml", "frameworks.yaml"):
        for entry in curated(name):
            local = entry["id"].replace(":", "/", 1)
            assert re.fullmatch(record["pattern"], local), local


def test_license_is_an_spdx_identifier(record: dict) -> None:
    assert record["license"] == "CC0-1.0"


def test_contact_publications_and_keywords_have_the_right_shape(record: dict) -> None:
    assert record["contact"]["name"]
    assert record["contact"].get("email") or record["contact"].get("url", "").startswith("https://")
    assert isinstance(record["publications"], list)
    assert all(isinstance(word, str) and word for word in record["keywords"])
    assert len(record["keywords"]) >= 3
