"""The OpenAPI description matches the Flask url_map and is served at ``/openapi.json``."""

from __future__ import annotations

import re

import requests
from flask import Flask

from server import create_app
from server.site.openapi import DOCUMENT

IGNORED_METHODS = {"HEAD", "OPTIONS"}
CONVERTER = re.compile(r"<(?:([a-z]+)(?:\(([^)]*)\))?:)?([^>]+)>")


def openapi_path(rule: str) -> str:
    """``/<any(a, b):segment>/<ident>`` → ``/{segment}/{ident}``."""
    return CONVERTER.sub(lambda match: "{" + match.group(3) + "}", rule)


def routed(app: Flask) -> dict[str, set[str]]:
    """Every routed path (OpenAPI syntax) with its methods."""
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        methods = {m.lower() for m in (rule.methods or set()) - IGNORED_METHODS}
        found.setdefault(openapi_path(rule.rule), set()).update(methods)
    return found


def app() -> Flask:
    """An app over the small protocol fixture (routes do not depend on the data)."""
    return create_app({"DLBIO_LOAD": ["tests/endpoint/fixtures/protocol.trig"], "TESTING": True})


def test_every_route_documented_and_every_documented_path_routed() -> None:
    routes = routed(app())
    documented = {path: set(ops) for path, ops in DOCUMENT["paths"].items()}
    assert set(routes) - set(documented) == set(), "routes missing from server/openapi.py"
    assert set(documented) - set(routes) == set(), "documented paths that are not routed"
    for path, methods in routes.items():
        assert documented[path] == methods, path


def test_enumerations_match_the_converters() -> None:
    flask_app = app()
    for rule in flask_app.url_map.iter_rules():
        for match in CONVERTER.finditer(rule.rule):
            if match.group(1) != "any":
                continue
            allowed = sorted(v.strip() for v in match.group(2).split(","))
            params = DOCUMENT["paths"][openapi_path(rule.rule)]["get"]["parameters"]
            enum = next(p["schema"]["enum"] for p in params if p["name"] == match.group(3))
            assert sorted(enum) == allowed, rule.rule


def test_served_document_is_valid_openapi(live: str) -> None:
    import schemathesis

    answer = requests.get(f"{live}/openapi.json", timeout=10)
    assert answer.status_code == 200
    assert answer.json() == DOCUMENT
    schema = schemathesis.openapi.from_dict(answer.json())
    operations = [op.ok() for op in schema.get_all_operations()]
    assert len(operations) == sum(len(ops) for ops in DOCUMENT["paths"].values())
