"""Citable releases: ``CITATION.cff`` (project and release), DataCite and Zenodo metadata, validated
against the Citation File Format and DataCite schemas (copies in ``tests/fixtures/citation``), and
the download page saying how to cite.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from flask.testing import FlaskClient

from kg.build import BuildResult
from kg.edam import EDAM_VERSION
from kg.paths import PROJECT_ROOT

SCHEMAS = Path(__file__).parents[1] / "fixtures" / "citation"
LIST = "https://github.com/hussius/deeplearning-biology"
EDAM_OWL = "http://edamontology.org/EDAM_{}.owl"
#: Zenodo deposit API: upload types and relation types it accepts.
ZENODO_UPLOAD_TYPES = {"publication", "poster", "presentation", "dataset", "image", "video",
                       "software", "lesson", "physicalobject", "other"}
ZENODO_RELATIONS = {"isCitedBy", "cites", "isSupplementTo", "isSupplementedBy", "isNewVersionOf",
                    "isPreviousVersionOf", "isPartOf", "hasPart", "compiles", "isCompiledBy",
                    "isIdenticalTo", "isAlternateIdentifier", "isDerivedFrom", "isSourceOf",
                    "references", "isReferencedBy", "requires", "isRequiredBy", "documents",
                    "isDocumentedBy", "describes", "isDescribedBy"}


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def validate(instance: dict, name: str) -> list[str]:
    document = schema(name)
    validator = jsonschema.validators.validator_for(document)(
        document, format_checker=jsonschema.FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


@pytest.fixture(scope="module")
def manifest(ld_release: BuildResult) -> dict:
    return json.loads((ld_release.release / "manifest.json").read_text())


@pytest.fixture(scope="module")
def project() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_project_citation_cff_is_valid(project: dict) -> None:
    assert validate(project, "cff-schema-1.2.0.json") == []
    assert project["license"] == "CC0-1.0" and project["type"] == "dataset"
    urls = {r.get("repository-code") for r in project["references"]}
    assert LIST in urls


def test_release_citation_cff_carries_version_date_and_edam(client: FlaskClient,
                                                            manifest: dict) -> None:
    response = client.get("/download/CITATION.cff")
    assert response.status_code == 200
    cff = yaml.safe_load(response.data)
    assert validate(cff, "cff-schema-1.2.0.json") == []
    assert cff["version"] == manifest["version"]
    assert cff["date-released"] == manifest["created"][:10]
    (edam,) = [r for r in cff["references"] if r["title"] == "EDAM ontology"]
    assert edam["version"] == ".".join(EDAM_VERSION.split(".")[:2])


def test_datacite_json_is_valid_and_complete(client: FlaskClient, manifest: dict,
                                             project: dict) -> None:
    record = client.get("/download/datacite.json").json
    assert validate(record, "datacite-v4.5.json") == []
    assert record["version"] == manifest["version"]
    assert record["titles"] == [{"title": project["title"]}]
    assert record["dates"] == [{"date": manifest["created"][:10], "dateType": "Issued"}]
    assert record["publicationYear"] == manifest["created"][:4]
    assert record["rightsList"][0]["rightsIdentifier"] == "CC0-1.0"
    assert [c["name"] for c in record["creators"]] == [a["name"] for a in project["authors"]]
    related = {(r["relatedIdentifier"], r["relationType"]) for r in record["relatedIdentifiers"]}
    assert related == {(LIST, "IsDerivedFrom"),
                       (EDAM_OWL.format(manifest["edam_version"].rsplit(".", 1)[0]), "References")}


def test_datacite_schema_rejects_what_datacite_rejects(client: FlaskClient) -> None:
    record = client.get("/download/datacite.json").json
    assert validate({**record, "creators": []}, "datacite-v4.5.json")
    assert validate({**record, "extra": 1}, "datacite-v4.5.json")


def test_zenodo_json_has_what_a_deposit_needs(client: FlaskClient, manifest: dict,
                                              project: dict) -> None:
    record = client.get("/download/zenodo.json").json
    for key in ("upload_type", "title", "creators", "description", "access_right", "license",
                "version", "publication_date"):
        assert record.get(key), key
    assert record["upload_type"] in ZENODO_UPLOAD_TYPES
    assert record["license"] == "cc-zero" and record["access_right"] == "open"
    assert record["version"] == manifest["version"]
    assert record["publication_date"] == manifest["created"][:10]
    assert jsonschema.FormatChecker().conforms(record["publication_date"], "date")
    assert {r["relation"] for r in record["related_identifiers"]} <= ZENODO_RELATIONS
    assert LIST in {r["identifier"] for r in record["related_identifiers"]}


def test_download_page_says_how_to_cite(client: FlaskClient, manifest: dict) -> None:
    page = client.get("/download").get_data(as_text=True)
    assert 'id="cite"' in page and f"(version {manifest['version']})" in page
    for name in ("CITATION.cff", "datacite.json", "zenodo.json"):
        assert f'href="/download/{name}"' in page
    assert f'href="{LIST}"' in page
    assert 'href="/context.jsonld"' in page


def test_citation_files_are_in_every_release(ld_release: BuildResult) -> None:
    for name in ("CITATION.cff", "datacite.json", "zenodo.json"):
        assert (ld_release.release / name).is_file(), name
