"""Dereferenceable IRIs: ``/{class}/{id}``, ``/edam/{term}`` and ``/schema/{name}``.

Each IRI answers with HTML for browsers or RDF (Turtle, N-Triples, RDF/XML, JSON-LD) by the
``Accept`` header, or by an explicit ``.html``/``.ttl``/``.nt``/``.rdf``/``.jsonld`` suffix.
Negotiated answers carry ``Vary: Accept`` and ``Content-Location``; every answer lists the other
representations in ``Link: rel=alternate``. A record the data marks ``dcterms:isReplacedBy``
answers 301 to its successor; an unknown ID answers 404 (an HTML page with a search box for
browsers). The RDF of an entity is what the bulk dump says about it and its ``#fragment`` nodes,
written by the same serializer with the same prefixes.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, request

from kg.namespaces import EDAM, PREFIXES, SCHEMA_NS
from server.graph.kgindex import get_index
from server.graph.schemadoc import get_schema_doc, schema_triples, term_triples
from server.graph.segments import ENTITY_SEGMENTS
from server.site import pages
from server.site.entityview import successor
from server.web.errors import ApiError
from server.web.httputil import make_etag, matches_etag
from server.web.negotiation import DESCRIPTION_FORMATS, HTML, Choice, Format, by_name, negotiate

bp = Blueprint("linkeddata", __name__)

ENTITY_FORMATS: tuple[Format, ...] = (HTML, *DESCRIPTION_FORMATS)
SUFFIXES = {"html": HTML, "ttl": DESCRIPTION_FORMATS[0], "nt": DESCRIPTION_FORMATS[1],
            "rdf": DESCRIPTION_FORMATS[2], "jsonld": DESCRIPTION_FORMATS[3]}


def split_suffix(ident: str) -> tuple[str, str | None]:
    """``deepbind.ttl`` → (``deepbind``, ``ttl``); an unknown suffix stays part of the ID."""
    stem, dot, suffix = ident.rpartition(".")
    if dot and suffix in SUFFIXES:
        return stem, suffix
    return ident, None


def content_type(fmt: Format) -> str:
    """The Content-Type of a representation (text types declare UTF-8)."""
    return fmt.media_type + ("; charset=utf-8" if fmt.is_text else "")


def link_header(path: str, iri: str) -> str:
    """``Link`` header value: every representation of ``path`` plus the canonical IRI."""
    parts = [f'<{path}.{name}>; rel="alternate"; type="{fmt.media_type}"'
             for name, fmt in SUFFIXES.items()]
    return ", ".join([*parts, f'<{iri}>; rel="canonical"'])


def serialize(triples: list[ox.Triple], fmt: Format) -> bytes:
    """RDF of one entity, with the dumps' prefixes (same serializer as ``kg.dumps``)."""
    return ox.serialize(triples, format=fmt.oxigraph, prefixes=PREFIXES)


def _choose(suffix: str | None) -> Choice | None:
    if suffix:
        return by_name(suffix, ENTITY_FORMATS)
    return negotiate(request.headers.get("Accept"), ENTITY_FORMATS)


def represent(path: str, iri: str, triples: list[ox.Triple], html: Callable[[], Response],
              suffix: str | None, tag: str = "") -> Response:
    """Answer with the negotiated (or suffix-selected) representation of ``iri``.

    ``tag`` joins the KG version in the ETag (the schema's version for schema terms).
    """
    choice = _choose(suffix)
    if choice is None:
        offered = ", ".join(fmt.media_type for fmt in ENTITY_FORMATS)
        raise ApiError(406, f"no acceptable format: {iri} is available as {offered}",
                       {"Vary": "Accept"})
    fmt = choice.format
    etag = make_etag(get_index().version, (path, fmt.key, tag))
    if matches_etag(request.headers.get("If-None-Match"), etag):
        response = Response(status=304)
    elif fmt is HTML:
        response = html()
    else:
        response = Response(serialize(triples, fmt), 200, content_type=content_type(fmt))
    response.headers["ETag"] = etag
    response.headers["Link"] = link_header(path, iri)
    if suffix is None:
        response.headers["Vary"] = "Accept"
        suffix_of = {f.key: name for name, f in SUFFIXES.items()}
        response.headers["Content-Location"] = f"{path}.{suffix_of[fmt.key]}"
    return response


def _redirect(target: str, suffix: str | None) -> Response:
    path = pages.local_path(target) or target
    response = redirect(f"{path}.{suffix}" if suffix else path, 301)
    response.headers["Vary"] = "Accept"
    return response


def _not_found(iri: str) -> Response:
    choice = negotiate(request.headers.get("Accept"), ENTITY_FORMATS)
    if choice is not None and choice.format is HTML:
        return pages.not_found(iri)
    raise ApiError(404, f"not found: DLBio-KG has no entity {iri}")


def dereference(iri: str, suffix: str | None) -> Response:
    """The shared answer for an entity or EDAM-term IRI."""
    index = get_index()
    target = successor(index, iri)
    if target:
        return _redirect(target, suffix)
    triples = index.document(iri)
    if not triples:
        return _not_found(iri)
    path = pages.local_path(iri) or request.path
    return represent(path, iri, triples, lambda: pages.entity_page(iri), suffix)


@bp.route(f"/<any({', '.join(ENTITY_SEGMENTS)}):segment>/<ident>")
def entity(segment: str, ident: str) -> Response:
    """Entity page or RDF of one entity ``{base}{segment}/{id}`` (by Accept or suffix).

    ---
    get:
      responses: {200: Entity, 301: Renamed, 304: NotModified, 406: NotAcceptable}
    """
    local, suffix = split_suffix(ident)
    return dereference(f"{pages.base_iri()}{segment}/{local}", suffix)


@bp.route("/edam/<ident>")
def edam_term(ident: str) -> Response:
    """An EDAM term used in the KG (``http://edamontology.org/{ident}``).

    ---
    get:
      responses: {200: Entity, 304: NotModified, 406: NotAcceptable}
    """
    local, suffix = split_suffix(ident)
    return dereference(EDAM + local, suffix)


@bp.route("/schema/<name>")
def schema_term(name: str) -> Response:
    """A class, slot, enum or type of the schema namespace.

    ---
    get:
      responses: {200: Entity, 304: NotModified, 406: NotAcceptable}
    """
    local, suffix = split_suffix(name)
    doc = get_schema_doc()
    if local not in doc.terms:
        return _not_found(SCHEMA_NS + local)
    return represent(f"/schema/{local}", SCHEMA_NS + local, term_triples(doc, local),
                     lambda: pages.schema_page(doc, local), suffix, doc.version)


@bp.route("/schema")
@bp.route("/schema/")
@bp.route("/schema.<any(html, ttl, nt, rdf, jsonld):suffix>")
def schema_index(suffix: str | None = None) -> Response:
    """The schema document ``{base}schema``: every class and slot with its definition.

    ---
    get:
      responses: {200: Entity, 304: NotModified, 406: NotAcceptable}
    """
    doc = get_schema_doc()
    return represent("/schema", doc.id, schema_triples(doc),
                     lambda: pages.schema_index(doc), suffix, doc.version)
