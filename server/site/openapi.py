"""The OpenAPI 3 description of the HTTP API, served at ``/openapi.json``.

Hand-maintained as a Python dict; ``tests/reliability/test_openapi.py`` keeps it in sync with the
Flask url_map (every route documented, every documented path routed) and the fuzz tests
(schemathesis) generate requests from it.

>>> sorted(DOCUMENT["paths"])[:2]
['/', '/.well-known/void']
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from server.graph.segments import ENTITY_SEGMENTS, INDEX_SEGMENTS

bp = Blueprint("openapi", __name__)

ENTITY_CLASSES = list(ENTITY_SEGMENTS)
INDEX_CLASSES = list(INDEX_SEGMENTS)
RESULT_TYPES = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"]
RDF_TYPES = ["text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json",
             "application/n-quads", "application/trig"]
DESCRIPTION_TYPES = ["text/turtle", "application/rdf+xml", "application/ld+json",
                     "application/n-triples"]
ENTITY_TYPES = ["text/html", "text/turtle", "application/n-triples", "application/rdf+xml",
                "application/ld+json"]
FORMATS = ["json", "xml", "csv", "tsv", "ttl", "nt", "rdfxml", "jsonld", "nq", "trig"]

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["status", "message"],
        "properties": {"status": {"type": "integer"}, "message": {"type": "string"}},
    }},
}


def _error(description: str) -> dict[str, Any]:
    """An error response: JSON ``{"error": {...}}`` unless the client accepts no JSON."""
    return {"description": description, "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}},
        "text/plain": {"schema": {"type": "string"}},
    }}


def _body(types: list[str], description: str = "the representation") -> dict[str, Any]:
    """A success response with any of ``types``."""
    return {"description": description, "content": {t: {"schema": {}} for t in types}}


def _redirect(description: str) -> dict[str, Any]:
    """A redirect response with its Location header."""
    return {"description": description,
            "headers": {"Location": {"schema": {"type": "string"}}}}


def _path_param(name: str, enum: list[str] | None = None) -> dict[str, Any]:
    """A required string path parameter (optionally an enumeration)."""
    schema: dict[str, Any] = {"type": "string", "minLength": 1}
    if enum:
        schema = {"type": "string", "enum": enum}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _query_param(name: str, description: str, array: bool = False) -> dict[str, Any]:
    """An optional string (or repeated) query parameter."""
    schema: dict[str, Any] = {"type": "string"}
    if array:
        schema = {"type": "array", "items": {"type": "string"}}
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema, **({"style": "form", "explode": True} if array else {})}


TOO_MANY = {**_error("too many concurrent requests from this client address "
                     "(DLBIO_MAX_CLIENT_CONCURRENCY)"),
            "headers": {"Retry-After": {"schema": {"type": "integer"}}}}


def _get(summary: str, responses: dict[str, Any], params: list[dict[str, Any]] | None = None,
         op_id: str = "") -> dict[str, Any]:
    """A GET operation; 404/405 errors are documented on every operation."""
    return {"get": {
        "summary": summary,
        "operationId": op_id or summary.lower().replace(" ", "_")[:40],
        "parameters": params or [],
        "responses": {**responses, "404": _error("not found"),
                      "405": _error("method not allowed"), "429": TOO_MANY},
    }}


SPARQL_ERRORS = {
    "304": {"description": "not modified (If-None-Match matched the ETag)"},
    "400": _error("malformed query, bad parameters, nesting too deep, bad encoding"),
    "403": _error("update or SERVICE to a host outside the allow-list refused"),
    "406": _error("no acceptable result format"),
    "413": _error("query, body or result too large"),
    "415": _error("unsupported Content-Type"),
    "429": TOO_MANY,
    "503": _error("query deadline reached"),
}
SPARQL_PARAMS = [
    _query_param("query", "a SPARQL 1.1 query (without it: the service description)"),
    _query_param("default-graph-uri", "replaces the default graph", array=True),
    _query_param("named-graph-uri", "replaces the named graphs", array=True),
    _query_param("format", f"result format, overrides Accept: one of {', '.join(FORMATS)} "
                           "or a media type"),
]
FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["query"],
    "properties": {
        "query": {"type": "string"},
        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
        "named-graph-uri": {"type": "array", "items": {"type": "string"}},
        "format": {"type": "string"},
    },
}


def _sparql() -> dict[str, Any]:
    """``/sparql``: the SPARQL 1.1 Protocol (query operation) and the service description."""
    ok = _body(sorted(set(RESULT_TYPES + RDF_TYPES)),
               "results (SELECT/ASK) or RDF (CONSTRUCT/DESCRIBE, service description)")
    return {
        "get": {"summary": "SPARQL query by GET, or the service description without query",
                "operationId": "sparql_get", "parameters": SPARQL_PARAMS,
                "responses": {"200": ok, **SPARQL_ERRORS, "405": _error("method not allowed")}},
        "post": {"summary": "SPARQL query by POST (form or direct body)",
                 "operationId": "sparql_post",
                 "parameters": [p for p in SPARQL_PARAMS if p["name"] != "query"],
                 "requestBody": {"required": True, "content": {
                     "application/x-www-form-urlencoded": {"schema": FORM_SCHEMA},
                     "application/sparql-query": {"schema": {"type": "string"}},
                 }},
                 "responses": {"200": ok, **SPARQL_ERRORS}},
    }


def _entity_ops() -> dict[str, Any]:
    """Entity IRIs (with optional ``.html``/``.ttl``/``.nt``/``.rdf``/``.jsonld`` suffix)."""
    found = {"200": _body(ENTITY_TYPES), "301": _redirect("the ID was renamed"),
             "304": {"description": "not modified"}, "406": _error("no acceptable format")}
    return {
        "/{segment}/{ident}": _get(
            "Entity page or RDF of one entity", found,
            [_path_param("segment", ENTITY_CLASSES), _path_param("ident")], "entity"),
        "/edam/{ident}": _get("An EDAM term used by the KG", found, [_path_param("ident")],
                              "edam_term"),
        "/schema/{name}": _get("One class or property of the schema", found,
                               [_path_param("name")], "schema_term"),
        "/schema": _get("The schema index", found, op_id="schema_index"),
        "/schema/": _get("The schema index", found, op_id="schema_index_slash"),
        "/schema.{suffix}": _get(
            "The schema in one syntax", found,
            [_path_param("suffix", ["html", "ttl", "nt", "rdf", "jsonld"])], "schema_file"),
    }


def _page(summary: str, op_id: str, params: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """An HTML page."""
    return _get(summary, {"200": _body(["text/html"], "an HTML page")}, params, op_id)


def _pages() -> dict[str, Any]:
    """HTML pages: home, class indexes, browse, search, downloads, query editor."""
    return {
        "/": _page("Home page", "home"),
        "/{segment}/": _page("Every instance of one class", "class_index",
                             [_path_param("segment", INDEX_CLASSES)]),
        "/edam/": _page("Every EDAM term used", "edam_index"),
        "/browse": _page("Faceted browsing (facet parameters in the query string)", "browse"),
        "/search": _page("Search by name", "search", [_query_param("q", "search text")]),
        "/download": _page("Every dump with size, SHA-256 and license", "download_page"),
        "/download/": _page("Every dump with size, SHA-256 and license", "download_page_slash"),
        "/query": _page("The SPARQL query editor", "query_page", [
            _query_param("query", "a query to prefill"),
            _query_param("example", "an example query to prefill by name")]),
    }


def _files() -> dict[str, Any]:
    """Dumps, descriptions, registry record, static assets and this document."""
    description = {"200": _body(DESCRIPTION_TYPES, "VoID/DCAT description"),
                   "406": _error("no acceptable format")}
    asset = {"200": _body(["application/octet-stream"], "a static file"),
             "304": {"description": "not modified"}}
    return {
        "/download/{name}": _get(
            "One dump file (ETag, Last-Modified, Range)",
            {"200": _body(["application/gzip", *RDF_TYPES]),
             "206": {"description": "partial content"}, "304": {"description": "not modified"},
             "416": _error("range not satisfiable")},
            [_path_param("name")], "download_file"),
        "/void": _get("VoID description of the release", description, op_id="void"),
        "/.well-known/void": _get("VoID description (well-known)", description,
                                  op_id="well_known_void"),
        "/resolve/{reference}": _get(
            "Resolve a CURIE (prefix:id or prefix/id) to its entity page",
            {"302": _redirect("the entity page"), "400": _error("invalid identifier")},
            [_path_param("reference")], "resolve"),
        **{f"/download/{name}": _get(
            f"The release's {name} (citation metadata)",
            {"200": _body([media]), "304": {"description": "not modified"},
             "404": _error("no citation metadata in this release")},
            op_id=f"citation_{name.split('.')[0].lower()}")
           for name, media in (("CITATION.cff", "application/x-yaml"),
                               ("datacite.json", "application/vnd.datacite.datacite+json"),
                               ("zenodo.json", "application/json"))},
        "/context.jsonld": _get("The JSON-LD context the JSON-LD dump is compacted with",
                                {"200": _body(["application/ld+json"]),
                                 "304": {"description": "not modified"}},
                                op_id="context_document"),
        "/registry.json": _get("The dlbio prefix record for registries",
                               {"200": _body(["application/json"])}, op_id="registry_json"),
        "/openapi.json": _get("This OpenAPI description", {"200": _body(["application/json"])},
                              op_id="openapi"),
        "/static/{filename}": _get("Static site assets", asset, [_path_param("filename")],
                                   "static"),
        "/assets/{filename}": _get("Query editor assets", asset, [_path_param("filename")],
                                   "assets"),
    }


DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "DLBio-KG", "version": "1",
             "description": "SPARQL 1.1 endpoint and linked-data site of DLBio-KG (read-only)."},
    "paths": {"/sparql": _sparql(), **_entity_ops(), **_pages(), **_files()},
    "components": {"schemas": {"Error": ERROR_SCHEMA}},
}


@bp.route("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI document."""
    return jsonify(DOCUMENT)
