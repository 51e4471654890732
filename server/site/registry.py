"""Registry linking: ``/resolve/{prefix}:{id}``, ``/resolve/{prefix}/{id}`` and ``/registry.json``.

``/resolve`` accepts our own CURIEs (``dlbio:method/deepbind``, ``method:deepbind``) and external
ones (``doi``, ``arxiv``, ``pubmed``, ``github``, ``biotools``, ``edam``; prefixes normalised by the
Bioregistry) and redirects (302) to the entity of DLBio-KG that carries that identifier. An
external identifier the KG does not hold answers 404 naming its standard IRI.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, redirect

from kg.namespaces import BASE, EDAM, PREFIXES, expand
from kg.void import DESCRIPTION, TITLE
from server.graph.kgindex import KGIndex, get_index
from server.graph.prefixes import expand_external, is_valid, normalize_prefix
from server.graph.segments import ENTITY_SEGMENTS, QUERY_SEGMENT, SCHEME_SEGMENT
from server.site.pages import base_iri, local_path
from server.site.related import METHOD
from server.web.errors import ApiError

bp = Blueprint("registry", __name__)
_WORD = r"[a-z0-9]+(-[a-z0-9]+)*"
#: An entity ID (``method/deepbind``), optionally with the fragment of one of its parts
#: (``method/deepbind#link-1``, ``dataset/dlbio-kg#dump-dlbio.ttl.gz``), or a schema term.
LOCAL_ID = (rf"(({'|'.join(ENTITY_SEGMENTS)})/{_WORD}(#[a-z0-9]+([.-][a-z0-9]+)*)?"
            r"|schema/([A-Za-z][A-Za-z0-9_]*)?)")
PATTERN = f"^{LOCAL_ID}$"
#: External prefix → (predicate whose literal holds the identifier, case-insensitive?).
LITERAL_IDS = {
    "doi": (expand("bibo:doi"), True),
    "arxiv": (expand("fabio:hasArXivId"), False),
    "pubmed": (expand("fabio:hasPubMedId"), False),
    "github": (expand("dlbio:githubRepository"), True),
}
REGISTRY_RECORDS = {"biotools": "https://bio.tools/", "kipoi": "https://kipoi.org/"}


def split_reference(reference: str) -> tuple[str, str]:
    """``doi:10.1/x`` or ``doi/10.1/x`` → (``doi``, ``10.1/x``); 400 if it is neither."""
    match = re.fullmatch(r"([A-Za-z][\w.-]*)[:/](.+)", reference)
    if not match:
        raise ApiError(400, f"not a CURIE: {reference!r} (use prefix:id or prefix/id)")
    return match.group(1), match.group(2)


def _by_literal(index: KGIndex, predicate: str, value: str, fold: bool) -> str | None:
    wanted = value.casefold() if fold else value
    for subject, by in index.out.items():
        for term in by.get(predicate, []):
            if (term.value.casefold() if fold else term.value) == wanted:
                return subject.split("#", 1)[0]
    return None


def _by_registry(index: KGIndex, registry: str, identifier: str) -> str | None:
    for record in index.subjects(expand("dcterms:publisher"), registry):
        if index.literal(record, expand("dcterms:identifier")) == identifier:
            return record.split("#", 1)[0]
    return None


def find_local(index: KGIndex, prefix: str, local_id: str) -> str | None:
    """The IRI of our entity for a normalised external ``prefix:local_id``, if we hold it."""
    if prefix in LITERAL_IDS:
        predicate, fold = LITERAL_IDS[prefix]
        return _by_literal(index, predicate, local_id, fold)
    if prefix in REGISTRY_RECORDS:
        return _by_registry(index, REGISTRY_RECORDS[prefix], local_id)
    if prefix == "edam" and index.exists(EDAM + local_id):
        return EDAM + local_id
    return None


def _own_iri(prefix: str, local_id: str) -> str | None:
    if prefix.lower() == "dlbio":
        return base_iri() + local_id if re.fullmatch(LOCAL_ID, local_id) else None
    if prefix in PREFIXES and PREFIXES[prefix].startswith(BASE) and prefix not in ("dlbio", "scheme"):
        return base_iri() + PREFIXES[prefix][len(BASE) :] + local_id
    return None


@bp.route("/resolve/<path:reference>")
def resolve(reference: str) -> Response:
    """Redirect a CURIE (``prefix:id`` or ``prefix/id``) to the entity page that holds it.

    ---
    get:
      responses: {302: Found, 400: BadRequest}
    """
    prefix, local_id = split_reference(reference)
    own = _own_iri(prefix, local_id)
    if own is not None:
        return redirect(local_path(own) or own, 302)
    if prefix.lower() == "dlbio":
        raise ApiError(400, f"{local_id!r} does not match the dlbio ID pattern {PATTERN}")
    normal = normalize_prefix(prefix) or prefix.lower()
    if normal not in REGISTRY_RECORDS and normalize_prefix(prefix) is None:
        raise ApiError(404, f"unknown prefix {prefix!r}")
    if normal != "kipoi" and not is_valid(normal, local_id):
        raise ApiError(400, f"{local_id!r} is not a valid {normal} identifier")
    found = find_local(get_index(), normal, local_id)
    if found is None:
        standard = expand_external(normal, local_id)
        where = f"; its standard IRI is {standard}" if standard else ""
        raise ApiError(404, f"DLBio-KG holds no entity with {normal}:{local_id}{where}")
    return redirect(local_path(found) or found, 302)


def _example(index: KGIndex) -> str:
    methods = index.instances(METHOD)
    preferred = [m for m in methods if m.endswith("/deepbind")] or methods
    return preferred[0][len(base_iri()) :] if preferred else "method/deepbind"


def _example_extras(index: KGIndex, example: str) -> list[str]:
    """One more example per other kind of IRI we mint (query, scheme, fragment, schema term)."""
    base, extras = base_iri(), []
    for segment in (QUERY_SEGMENT, SCHEME_SEGMENT):
        found = sorted(s for s in index.out if s.startswith(f"{base}{segment}/") and "#" not in s)
        extras += [found[0][len(base) :]] if found else []
    parts = sorted(s for s in index.out if s.startswith(f"{base}{example}#"))
    extras += [parts[0][len(base) :]] if parts else []
    return [*extras, "schema/Method"]


#: Registry field → (its settings by field of the person, fields Bioregistry's checks require).
PEOPLE = {
    "contact": ("DLBIO_CONTACT_", ("name", "email")),
    "contributor": ("DLBIO_CONTRIBUTOR_", ("name", "orcid", "github")),
}


#: Field of a person → (the check Bioregistry's schema and data tests apply, what it is).
CHECKS = {
    "orcid": (lambda v: re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", v) is not None, "ORCID"),
    "email": (lambda v: re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", v, re.I) is not None
              and v.split("@")[0].lower() not in GROUP_MAILBOXES, "personal email"),
    "github": (lambda v: re.fullmatch(r"[A-Za-z0-9](-?[A-Za-z0-9])*", v) is not None,
               "GitHub handle"),
}
GROUP_MAILBOXES = {"contact", "help", "helpdesk", "discuss", "support"}


def _person(settings: Mapping[str, Any], field: str) -> tuple[dict[str, str] | None, list[str]]:
    """The configured person for ``field``, or None and the settings still to set."""
    prefix, required = PEOPLE[field]
    person = {key: str(settings.get(prefix + key.upper(), "")).strip()
              for key in ("name", "orcid", "email", "github")}
    missing = [prefix + key.upper() for key in required if not person[key]]
    missing += [f"{prefix}{key.upper()} (not a valid {what})" for key, (check, what) in CHECKS.items()
                if person[key] and not check(person[key])]
    return (None if missing else {k: v for k, v in person.items() if v}), missing


def _missing_note(missing: dict[str, list[str]]) -> str:
    parts = [f"no {field} (set {', '.join(names)})" for field, names in missing.items()]
    return ("Not ready for submission to Bioregistry, which requires a contact with an email "
            "and a contributor with ORCID and GitHub handle: " + "; ".join(parts) + ".")


def registry_record(index: KGIndex, settings: Mapping[str, Any]) -> dict[str, object]:
    """The Bioregistry record of the ``dlbio`` prefix (only keys of Bioregistry's schema).

    Contact and contributor come from ``settings`` (``DLBIO_CONTACT_*``,
    ``DLBIO_CONTRIBUTOR_*``); while either is unset the ``comment`` says which settings are
    missing, and nothing stands in for them.
    """
    base = base_iri()
    example = _example(index)
    record: dict[str, object] = {
        "prefix": "dlbio",
        "name": TITLE,
        "description": DESCRIPTION,
        "homepage": base,
        "pattern": PATTERN,
        "uri_format": f"{base}$1",
        "example": example,
        "example_extras": _example_extras(index, example),
        "license": "CC0-1.0",
        "keywords": sorted(["bioinformatics", "deep learning", "edam", "knowledge graph",
                            "machine learning", "software"]),
        "download_rdf": f"{base}download/dlbio.ttl",
        "depends_on": ["edam"],
    }
    missing = {}
    for field in PEOPLE:
        person, lacking = _person(settings, field)
        if person:
            record[field] = person
        else:
            missing[field] = lacking
    if missing:
        record["comment"] = _missing_note(missing)
    return record


@bp.route("/registry.json")
def registry_json() -> Response:
    """The dlbio prefix record for registries (Bioregistry, identifiers.org).

    ---
    get:
      responses: {200: Json}
    """
    return jsonify(registry_record(get_index(), current_app.config))
