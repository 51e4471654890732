"""``/registry.json``: the ``dlbio`` record, checked with Bioregistry's own schema model and the
rules of its data tests (``biopragmatics/bioregistry: tests/test_data.py``), and its pattern over
every IRI the build mints under the prefix.
"""

from __future__ import annotations

import json
import re

import jsonschema
import pyoxigraph as ox
import pytest
from bioregistry.license_standardizer import standardize_license
from bioregistry.schema.struct import SCHEMA_PATH, Attributable, Author, Resource
from curies.w3c import NCNAME_RE
from flask import Flask
from flask.testing import FlaskClient

from kg.build import BuildResult
from server import create_app

BASE = "https://w3id.org/dlbio/"
PEOPLE = {
    "DLBIO_CONTACT_NAME": "Ada Example",
    "DLBIO_CONTACT_EMAIL": "ada.example@example.org",
    "DLBIO_CONTACT_ORCID": "0000-0002-1825-0097",
    "DLBIO_CONTRIBUTOR_NAME": "Ben Example",
    "DLBIO_CONTRIBUTOR_ORCID": "0000-0001-5109-3700",
    "DLBIO_CONTRIBUTOR_GITHUB": "ben-example",
}
#: Bioregistry: "an email must correspond to a single person" (DISALLOWED_EMAIL_PARTS).
GROUP_EMAIL_PARTS = ("contact@", "help@", "helpdesk@", "discuss@", "support@")


def fetch(client: FlaskClient) -> dict:
    response = client.get("/registry.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.json


@pytest.fixture
def record(client: FlaskClient) -> dict:
    """The record as served with no contact or contributor configured (the default)."""
    return fetch(client)


@pytest.fixture(scope="module")
def configured_app(ld_release: BuildResult) -> Flask:
    return create_app({"DLBIO_KG_DIR": str(ld_release.release), "TESTING": True, **PEOPLE})


@pytest.fixture
def configured(configured_app: Flask) -> dict:
    """The record as served with contact and contributor configured."""
    return fetch(configured_app.test_client())


def minted_iris(release: BuildResult) -> set[str]:
    """Every subject IRI under the base in the dump and in the VoID description."""
    folder = release.release
    subjects = set()
    for name, fmt in (("dlbio.nt", ox.RdfFormat.N_TRIPLES), ("void.ttl", ox.RdfFormat.TURTLE)):
        for quad in ox.parse(path=folder / name, format=fmt):
            if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(BASE):
                subjects.add(quad.subject.value)
    return subjects


def test_every_key_is_a_field_of_bioregistrys_resource_model(record: dict,
                                                              configured: dict) -> None:
    for served in (record, configured):
        assert set(served) - set(Resource.model_fields) == set()
        Resource.model_validate(served)


def test_validates_against_bioregistrys_json_schema(configured: dict) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    resource = {**schema["$defs"]["Resource"], "$defs": schema["$defs"]}
    jsonschema.validate(configured, resource)


def test_prefix_name_and_description_follow_the_data_rules(record: dict) -> None:
    resource = Resource.model_validate(record)
    assert resource.prefix == "dlbio" == resource.prefix.lower()
    assert re.fullmatch(NCNAME_RE, resource.prefix)
    assert resource.name == resource.name.strip()
    for redundant in ("(dlbio)", "dlbio: ", "dlbio- ", "dlbio - "):
        assert redundant not in resource.name.casefold()
    assert resource.description and resource.description == resource.description.strip()
    assert "\r" not in resource.description
    assert resource.homepage.startswith("https://")


def test_pattern_is_anchored_and_not_a_curie(record: dict) -> None:
    assert record["pattern"].startswith("^") and record["pattern"].endswith("$")
    assert not record["pattern"].casefold().startswith("^dlbio:")
    re.compile(record["pattern"])


def test_uri_format_has_one_placeholder_under_the_homepage(record: dict) -> None:
    assert record["uri_format"].startswith(("http://", "https://"))
    assert record["uri_format"].count("$1") == 1 and "$2" not in record["uri_format"]
    assert record["uri_format"].startswith(record["homepage"])


def test_examples_are_canonical_valid_and_distinct(record: dict) -> None:
    resource = Resource.model_validate(record)
    examples = [resource.example, *resource.example_extras]
    assert len(examples) == len(set(examples))
    for example in examples:
        assert resource.standardize_identifier(example) == example
        assert resource.is_valid_identifier(example), example
    assert {e.split("/")[0] for e in examples} >= {"method", "query", "scheme", "schema"}
    assert any("#" in e for e in examples)


def test_pattern_rejects_what_is_not_an_id(record: dict) -> None:
    bad = ("method/DeepBind", "method/", "deepbind", "method/deep bind", "foo/bar",
           "method/deepbind#", "method/deepbind#Link", "schema/1x", "query/a/b")
    for value in bad:
        assert not re.fullmatch(record["pattern"], value), value


def test_every_minted_iri_matches_the_pattern(record: dict, ld_release: BuildResult) -> None:
    iris = minted_iris(ld_release)
    segments = {iri[len(BASE):].split("/")[0] for iri in iris}
    assert {"method", "query", "scheme", "version", "resource", "dataset"} <= segments
    assert any("#" in iri for iri in iris)
    pattern = re.compile(record["pattern"])
    assert sorted(i for i in iris if not pattern.fullmatch(i[len(BASE):])) == []


def test_uri_format_gives_back_every_minted_iri(record: dict, ld_release: BuildResult) -> None:
    for iri in minted_iris(ld_release):
        assert record["uri_format"].replace("$1", iri[len(BASE):]) == iri


def test_example_resolves_through_the_uri_format(client: FlaskClient, record: dict) -> None:
    iri = record["uri_format"].replace("$1", record["example"])
    path = "/" + iri[len(record["homepage"]):]
    assert client.get(path).status_code == 200
    assert client.get(f"/resolve/dlbio:{record['example']}").status_code == 302


def test_license_is_a_standard_spdx_identifier(record: dict) -> None:
    assert standardize_license(record["license"]) == record["license"] == "CC0-1.0"


def test_keywords_are_lowercase_and_sorted(record: dict) -> None:
    keywords = record["keywords"]
    assert len(keywords) >= 3
    assert keywords == sorted(keywords) == [k.casefold() for k in keywords]


def test_unset_contact_and_contributor_are_absent_and_named(record: dict) -> None:
    assert "contact" not in record and "contributor" not in record
    comment = record["comment"]
    assert comment.startswith("Not ready for submission")
    for setting in ("DLBIO_CONTACT_NAME", "DLBIO_CONTACT_EMAIL", "DLBIO_CONTRIBUTOR_NAME",
                    "DLBIO_CONTRIBUTOR_ORCID", "DLBIO_CONTRIBUTOR_GITHUB"):
        assert setting in comment


def assert_contact_metadata(person: Attributable) -> None:
    """Bioregistry's ``assert_contact_metadata``."""
    assert " " not in (person.github or "") and " " not in (person.orcid or "")
    if person.email:
        assert re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", person.email)
        assert not any(part in person.email for part in GROUP_EMAIL_PARTS)


def test_configured_contact_and_contributor_pass_the_data_rules(configured: dict) -> None:
    resource = Resource.model_validate(configured)
    assert "comment" not in configured
    assert resource.contact is not None and resource.contact.name == "Ada Example"
    assert resource.contact.email == "ada.example@example.org"
    assert_contact_metadata(resource.contact)
    contributor = Author.model_validate(configured["contributor"])
    assert (contributor.name, contributor.orcid, contributor.github) == (
        "Ben Example", "0000-0001-5109-3700", "ben-example")
    assert_contact_metadata(contributor)


def test_partial_or_invalid_people_are_reported_not_served(ld_release: BuildResult) -> None:
    app = create_app({"DLBIO_KG_DIR": str(ld_release.release), "TESTING": True, **PEOPLE,
                      "DLBIO_CONTACT_EMAIL": "support@example.org",
                      "DLBIO_CONTRIBUTOR_ORCID": "0000-0001"})
    served = fetch(app.test_client())
    assert "contact" not in served and "contributor" not in served
    assert "DLBIO_CONTACT_EMAIL (not a valid personal email)" in served["comment"]
    assert "DLBIO_CONTRIBUTOR_ORCID (not a valid ORCID)" in served["comment"]
    Resource.model_validate(served)
