"""The rules a bio.tools record must pass: the official biotoolsSchema JSON schema, mirrored here.

Patterns, lengths, enums and property names are those of ``jsonschema/biotoolsj.json`` in
bio-tools/biotoolsSchema (copy and commit in ``tests/fixtures/biotoolsschema/``); the tests check
they are equal to the schema's and that ``schema_problems`` accepts and rejects what the schema does.
``problems`` adds the three rules bio.tools asks beyond the JSON schema (see ``HOMEPAGE``).
"""

from __future__ import annotations

import re
from typing import Any

#: Patterns of biotoolsj.json, verbatim (ECMAScript syntax that Python's ``re`` reads the same way).
PATTERNS = {
    "name": "^([ \\(-\\)\\+-\\.0-;A-Z_a-z\u00a0\u1680\u180e\u2000-\u200a\u202f\u205f\u3000]*)$",
    "biotoolsID": "^([\\--\\.0-9A-Z_a-z]*)$",
    "biotoolsCURIE": "^(biotools\\:[\\--\\.0-9A-Z_a-z]*)$",
    "topic": "^(http\\://edamontology\\.org/topic_[0-9]{4,4})$",
    "operation": "^(http\\://edamontology\\.org/operation_[0-9]{4,4})$",
    "data": "^(http\\://edamontology\\.org/data_[0-9]{4,4})$",
    "format": "^(http\\://edamontology\\.org/format_[0-9]{4,4})$",
    "doi": "^(10\\.[0-9]{4,9}/[\\(-\\)\\--<>A-\\[\\]_a-z]+)$",
}
#: (minLength, maxLength) of the strings the exporter writes.
LENGTHS = {"name": (1, 100), "description": (10, 1000), "credit name": (1, 100)}
#: Allowed values of the enumerated strings the exporter writes.
ENUMS = {
    "toolType": ("Bioinformatics portal", "Command-line tool", "Database portal",
                 "Desktop application", "Mobile application", "Library", "Ontology", "Plug-in",
                 "Script", "SPARQL endpoint", "Suite", "Web application", "Web API",
                 "Web service", "Workbench", "Workflow"),
    "link type": ("Discussion forum", "Galaxy service", "Helpdesk", "Issue tracker",
                  "Mailing list", "Mirror", "Software catalogue", "Repository", "Service",
                  "Social media", "Technical monitoring", "Other"),
    "documentation type": ("API documentation", "Citation instructions", "Code of conduct",
                           "Command-line options", "Contributions policy", "FAQ", "General",
                           "Governance", "Installation instructions", "Quick start guide",
                           "Release notes", "Terms of use", "Training material", "User manual",
                           "Other"),
    "typeRole": ("Primary contact", "Contributor", "Developer", "Documentor", "Maintainer",
                 "Provider", "Support"),
}
#: Properties allowed on each kind of object (the schema forbids any other: additionalProperties).
OBJECT_KEYS = {
    "tool": ("name", "description", "homepage", "biotoolsID", "biotoolsCURIE", "version",
             "otherID", "toolType", "topic", "operatingSystem", "language", "license",
             "collectionID", "maturity", "cost", "accessibility", "elixirPlatform", "elixirNode",
             "elixirCommunity", "function", "link", "download", "documentation", "relation",
             "publication", "credit"),
    "term": ("term", "uri"),
    "function": ("operation", "input", "output", "note", "cmd"),
    "side": ("data", "format"),
    "publication": ("doi", "pmid", "pmcid", "type", "note", "version"),
    "link": ("url", "type", "note"),
    "documentation": ("url", "type", "note"),
    "credit": ("name", "email", "url", "orcidid", "gridid", "rorid", "fundrefid", "typeEntity",
               "typeRole", "note"),
}
REQUIRED_KEYS = {"tool": ("name", "description", "homepage"), "function": ("operation",),
                 "side": ("data",), "link": ("url", "type"), "documentation": ("url", "type"),
                 "credit": ("name",)}
#: What bio.tools asks beyond biotoolsj.json: the XSD's homepage URL pattern, a non-empty ID
#: and at least one function with an EDAM operation (both needed to register a tool).
HOMEPAGE = re.compile(r"^(http|https|ftp)://[^\s/$.?#].[^\s]*$")


def _text(value: Any, where: str, pattern: str | None = None,
          length: tuple[int, int] | None = None) -> list[str]:
    if not isinstance(value, str):
        return [f"{where} must be a string"]
    found = []
    if length and not length[0] <= len(value) <= length[1]:
        found.append(f"{where} must have {length[0]} to {length[1]} characters")
    if pattern in ("topic", "operation", "data", "format"):
        if not re.match(PATTERNS[pattern], value):
            found.append(f"{where}: {value} is not an EDAM {pattern} URI")
    elif pattern and not re.match(PATTERNS[pattern], value):
        found.append(f"{where} {value!r} does not match the biotoolsSchema pattern "
                     f"{PATTERNS[pattern]}")
    return found


def _object(kind: str, value: Any, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where} must be an object"]
    found = [f"{where}: {key!r} is not a biotoolsSchema property"
             for key in value if key not in OBJECT_KEYS[kind]]
    return found + [f"{where}: {key} is required"
                    for key in REQUIRED_KEYS.get(kind, ()) if key not in value]


def _items(entry: dict[str, Any], key: str, where: str | None = None) -> list[tuple[str, Any]]:
    value = entry.get(key, [])
    where = where or key
    if not isinstance(value, list):
        return [(where, None)]
    return [(f"{where}[{i}]", item) for i, item in enumerate(value)]


def _term(item: Any, where: str, branch: str) -> list[str]:
    found = _object("term", item, where)
    if isinstance(item, dict) and "term" in item:
        found += _text(item["term"], f"{where}.term")
    if isinstance(item, dict) and "uri" in item:
        found += _text(item["uri"], f"{where}.uri", branch)
    return found


def _terms(entry: dict[str, Any], key: str, branch: str, where: str) -> list[str]:
    return [problem for at, item in _items(entry, key, where) for problem in _term(item, at, branch)]


def _enum(values: Any, name: str, where: str, at_least_one: bool = False) -> list[str]:
    if not isinstance(values, list) or (at_least_one and not values):
        return [f"{where} must be a{' non-empty' if at_least_one else 'n'} array"]
    return [f"{where}: {v!r} is not one of the biotoolsSchema {name} values"
            for v in values if v not in ENUMS[name]]


def _functions(entry: dict[str, Any]) -> list[str]:
    found = []
    for at, function in _items(entry, "function"):
        found += _object("function", function, at)
        if not isinstance(function, dict):
            continue
        if "operation" in function and not function["operation"]:
            found.append(f"{at}.operation needs at least one EDAM operation")
        found += _terms(function, "operation", "operation", f"{at}.operation")
        for side in ("input", "output"):
            for where, item in _items(function, side, f"{at}.{side}"):
                found += _object("side", item, where)
                if isinstance(item, dict) and "data" in item:
                    found += _term(item["data"], f"{where}.data", "data")
                    found += _terms(item, "format", "format", f"{where}.format")
    return found


def _links_and_credit(entry: dict[str, Any]) -> list[str]:
    found = []
    for key in ("link", "documentation"):
        for at, item in _items(entry, key):
            found += _object(key, item, at)
            if isinstance(item, dict):
                found += _text(item.get("url", ""), f"{at}.url")
                found += _enum(item.get("type", ["Other"]), f"{key} type", f"{at}.type", True)
    for at, item in _items(entry, "publication"):
        found += _object("publication", item, at)
        if isinstance(item, dict) and "doi" in item:
            found += _text(item["doi"], f"{at}.doi", "doi")
    for at, item in _items(entry, "credit"):
        found += _object("credit", item, at)
        if isinstance(item, dict):
            found += _text(item.get("name", "x"), f"{at}.name", None, LENGTHS["credit name"])
            found += _enum(item.get("typeRole", []), "typeRole", f"{at}.typeRole")
    return found


def schema_problems(entry: dict[str, Any]) -> list[str]:
    """Every rule of the official JSON schema the record breaks, for the properties we write."""
    found = _object("tool", entry, "record")
    found += _text(entry.get("name", "x"), "name", "name", LENGTHS["name"])
    found += _text(entry.get("description", "x" * 10), "description", None, LENGTHS["description"])
    found += _text(entry.get("homepage", ""), "homepage")
    for key in ("biotoolsID", "biotoolsCURIE"):
        if key in entry:
            found += _text(entry[key], key, key)
    if "toolType" in entry:
        found += _enum(entry["toolType"], "toolType", "toolType")
    found += _terms(entry, "topic", "topic", "topic")
    return found + _functions(entry) + _links_and_credit(entry)


def problems(entry: dict[str, Any]) -> list[str]:
    """Every rule the record breaks: the JSON schema's, then bio.tools' own (see ``HOMEPAGE``)."""
    found = schema_problems(entry)
    if not entry.get("biotoolsID"):
        found.append("biotoolsID is empty: bio.tools needs an ID")
    if not HOMEPAGE.match(str(entry.get("homepage", ""))):
        found.append(f"homepage {entry.get('homepage')!r} is not an http(s)/ftp URL")
    functions = entry.get("function") if isinstance(entry.get("function"), list) else []
    if not any(isinstance(f, dict) and f.get("operation") for f in functions):
        found.append("function needs at least one EDAM operation")
    return found
