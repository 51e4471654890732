"""Citation metadata of a release, made from the project's ``CITATION.cff``.

Each release folder gets ``CITATION.cff`` (the project's, with the release's version, date and the
EDAM release it was annotated with), ``datacite.json`` (DataCite Metadata Schema 4.5 in DataCite's
JSON form) and ``zenodo.json`` (the metadata of a Zenodo deposit, as ``.zenodo.json``). Related
identifiers are the list the KG is derived from and the EDAM release. Nothing is added that the
``CITATION.cff`` does not say (authors, licence) or the build does not know (version, date).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from kg.paths import PROJECT_ROOT
from kg.void import LICENSE, PUBLISHER_NAME

CITATION_CFF = PROJECT_ROOT / "CITATION.cff"
FILES = ("CITATION.cff", "datacite.json", "zenodo.json")
SPDX_LICENSES = {"CC0-1.0": ("Creative Commons Zero v1.0 Universal", LICENSE.value, "cc-zero")}
DOWNLOADS = "https://w3id.org/dlbio/download"


def edam_release(package_version: str) -> str:
    """The EDAM release of an ``edam-ontology`` package version (``1.25.3`` → ``1.25``)."""
    return ".".join(package_version.split(".")[:2])


def _reference_url(project: dict[str, Any], title: str) -> str:
    (found,) = [r for r in project["references"] if r["title"] == title]
    return found.get("repository-code") or found["url"]


def related(project: dict[str, Any], edam: str) -> list[tuple[str, str]]:
    """(URL, DataCite relation type) of the source list and the EDAM release."""
    return [(_reference_url(project, "deeplearning-biology"), "IsDerivedFrom"),
            (f"http://edamontology.org/EDAM_{edam_release(edam)}.owl", "References")]


def release_cff(project: dict[str, Any], version: str, date: str, edam: str) -> dict[str, Any]:
    """The project's CFF with the release's version and date, and EDAM's release."""
    cff = copy.deepcopy(project)
    cff["version"], cff["date-released"] = version, date[:10]
    for reference in cff.get("references", []):
        if reference["title"] == "EDAM ontology":
            reference["version"] = edam_release(edam)
    return cff


def _creator(author: dict[str, Any]) -> dict[str, Any]:
    if "name" in author:
        return {"name": author["name"], "nameType": "Organizational"}
    creator = {"name": f"{author['family-names']}, {author['given-names']}",
               "nameType": "Personal", "givenName": author["given-names"],
               "familyName": author["family-names"]}
    if author.get("orcid"):
        creator["nameIdentifiers"] = [{"nameIdentifier": author["orcid"],
                                       "nameIdentifierScheme": "ORCID",
                                       "schemeUri": "https://orcid.org"}]
    return creator


def datacite(project: dict[str, Any], version: str, date: str, edam: str) -> dict[str, Any]:
    """The release as DataCite JSON (kernel 4.5), ready to register a DOI for."""
    name, uri, _ = SPDX_LICENSES[project["license"]]
    return {
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Knowledge graph"},
        "creators": [_creator(a) for a in project["authors"]],
        "titles": [{"title": project["title"]}],
        "publisher": {"name": PUBLISHER_NAME},
        "publicationYear": date[:4],
        "dates": [{"date": date[:10], "dateType": "Issued"}],
        "version": version,
        "url": DOWNLOADS,
        "subjects": [{"subject": k} for k in project.get("keywords", [])],
        "rightsList": [{"rights": name, "rightsUri": uri, "rightsIdentifier": project["license"],
                        "rightsIdentifierScheme": "SPDX", "schemeUri": "https://spdx.org/licenses/"}],
        "descriptions": [{"description": " ".join(project["abstract"].split()),
                          "descriptionType": "Abstract"}],
        "relatedIdentifiers": [{"relatedIdentifier": url, "relatedIdentifierType": "URL",
                                "relationType": relation} for url, relation in related(project, edam)],
        "schemaVersion": "http://datacite.org/schema/kernel-4",
    }


def zenodo(project: dict[str, Any], version: str, date: str, edam: str) -> dict[str, Any]:
    """The release as Zenodo deposit metadata (the content of a ``.zenodo.json``)."""
    return {
        "upload_type": "dataset",
        "title": project["title"],
        "creators": [{"name": c["name"]} for c in map(_creator, project["authors"])],
        "description": " ".join(project["abstract"].split()),
        "version": version,
        "publication_date": date[:10],
        "access_right": "open",
        "license": SPDX_LICENSES[project["license"]][2],
        "keywords": project.get("keywords", []),
        "related_identifiers": [
            {"identifier": url, "relation": relation[0].lower() + relation[1:]}
            for url, relation in related(project, edam)],
    }


def write_citation(folder: Path, version: str, date: str, edam: str,
                   source: Path = CITATION_CFF) -> list[Path]:
    """Write the release's ``CITATION.cff``, ``datacite.json`` and ``zenodo.json`` to ``folder``.

    Nothing is written when there is no ``source`` (a build outside the project's tree).
    """
    if not source.is_file():
        return []
    project = yaml.safe_load(source.read_text(encoding="utf-8"))
    cff = yaml.safe_dump(release_cff(project, version, date, edam), sort_keys=False,
                         allow_unicode=True, width=100)
    outputs = {"CITATION.cff": cff,
               "datacite.json": json.dumps(datacite(project, version, date, edam), indent=2),
               "zenodo.json": json.dumps(zenodo(project, version, date, edam), indent=2)}
    for name, text in outputs.items():
        (folder / name).write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    return [folder / name for name in FILES]
