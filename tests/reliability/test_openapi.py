"""The OpenAPI description: generated from the routes, it matches the served app's url_map (and the
mounted SPARQL application), is valid OpenAPI 3 and is served at ``/openapi.json``."""

from __future__ import annotations

import requests
from flask import Flask
from openapi_spec_validator import validate

from server import create_app
from server.site.openapi import DOCUMENT, MOUNTED, VARIABLE, openapi_path

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def routed(app: Flask) -> dict[str, set[str]]:
    """Every routed path (OpenAPI syntax) with its methods, the mounted SPARQL app's included."""
    found: dict[str, set[str]] = {path: {"get", "post"} for path in MOUNTED}
    for rule in app.url_map.iter_rules():
        methods = {m.lower() for m in (rule.methods or set()) - IGNORED_METHODS}
        found.setdefault(openapi_path(rule.rule), set()).update(methods)
    return found


def app() -> Flask:
    """An app over the small protocol fixture (routes do not depend on the data)."""
    return create_app({"DLBIO_LOAD": ["tests/endpoint/fixtures/protocol.trig"], "TESTING": True})


def test_document_is_valid_openapi() -> None:
    validate(DOCUMENT)
    operation_ids = [op["operationId"] for ops in DOCUMENT["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids))


def test_every_route_documented_and_every_documented_path_routed() -> None:
    routes = routed(app())
    documented = {path: set(ops) for path, ops in DOCUMENT["paths"].items()}
    assert set(routes) - set(documented) == set(), "routes missing from the OpenAPI document"
    assert set(documented) - set(routes) == set(), "documented paths that are not routed"
    for path, methods in routes.items():
        assert documented[path] == methods, path


def test_the_mounted_sparql_app_answers_its_documented_operations() -> None:
    client = app().test_client()
    for path, operations in ((p, DOCUMENT["paths"][p]) for p in MOUNTED):
        assert "get" in operations and "post" in operations
        answer = client.get(path, query_string={"query": "ASK {}"},
                            headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200 and answer.json["boolean"] is True
        answer = client.post(path, data="ASK {}", content_type="application/sparql-query",
                             headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200 and answer.json["boolean"] is True


def test_enumerations_match_the_converters() -> None:
    for rule in app().url_map.iter_rules():
        for converter, arguments, name in VARIABLE.findall(rule.rule):
            if converter != "any":
                continue
            allowed = sorted(v.strip() for v in arguments.split(","))
            params = DOCUMENT["paths"][openapi_path(rule.rule)]["get"]["parameters"]
            enum = next(p["schema"]["enum"] for p in params if p["name"] == name)
            assert sorted(enum) == allowed, rule.rule


def test_every_site_operation_states_its_responses() -> None:
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            assert operation["summary"], (method, path)
            assert any(code.startswith(("2", "3")) for code in operation["responses"]), path


def test_served_document_is_the_generated_one(live: str) -> None:
    import schemathesis

    answer = requests.get(f"{live}/openapi.json", timeout=10)
    assert answer.status_code == 200
    assert answer.json() == DOCUMENT
    schema = schemathesis.openapi.from_dict(answer.json())
    operations = [op.ok() for op in schema.get_all_operations()]
    assert len(operations) == sum(len(ops) for ops in DOCUMENT["paths"].values())
