"""Server-rendered HTML: the shared page frame, entity pages, the schema pages and the home page.

Pages are plain HTML from Jinja2 templates (``server/site/templates``) with one hand-written
stylesheet; they work without JavaScript. Every page links the VoID description in its
``<head>``; entity pages embed Bioschemas JSON-LD and link their RDF representations.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, has_request_context, render_template, request

from kg.namespaces import EDAM, expand
from server.graph.kgindex import RDF_TYPE, KGIndex, get_index
from server.graph.schemadoc import SchemaDoc, get_schema_doc
from server.graph.segments import QUERY_SEGMENT
from server.site import field, history, lineage, neighbourhood, svg
from server.site.bioschemas import bioschemas, script_text
from server.site.entityview import EDAM_BROWSER, Item, Linker, facts, links_out, listings
from server.site.related import METHOD, related

bp = Blueprint("pages", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static")
RDF_LINKS = (("Turtle", "ttl"), ("N-Triples", "nt"), ("RDF/XML", "rdf"), ("JSON-LD", "jsonld"))


#: The site navigation: (link, words, path prefixes of the pages it is current on).
NAV = (
    ("/method/", "Methods", ("/method",)),
    ("/browse", "Browse", ("/browse", "/paper", "/architecture", "/modality", "/subfield",
                           "/framework", "/repository", "/resource", "/version", "/search")),
    ("/edam/", "EDAM terms", ("/edam",)),
    ("/download", "Download", ("/download",)),
    ("/query", "Query", ("/query",)),
    ("/sparql", "SPARQL", ("/sparql",)),
    ("/schema/", "Schema", ("/schema",)),
)


def navigation(path: str) -> list[tuple[str, str, str | None]]:
    """(link, words, aria-current) of each navigation entry for the page at ``path``.

    >>> [n for n in navigation("/method/deepbind") if n[2]]
    [('/method/', 'Methods', 'true')]
    >>> [n for n in navigation("/query") if n[2]]
    [('/query', 'Query', 'page')]
    """
    entries = []
    for href, words, prefixes in NAV:
        current = None
        if path == href:
            current = "page"
        elif any(path == p or path.startswith(p + "/") for p in prefixes):
            current = "true"
        entries.append((href, words, current))
    return entries


@bp.app_context_processor
def _site_frame() -> dict[str, Any]:
    return {"navigation": navigation(request.path) if has_request_context() else []}


def base_iri() -> str:
    """The public base IRI of the entities served here (``DLBIO_BASE_IRI``)."""
    return current_app.config["DLBIO_BASE_IRI"]


def local_path(iri: str) -> str | None:
    """The path at which this app serves ``iri`` (our entities and EDAM terms), else None."""
    base = base_iri()
    if iri.startswith(base):
        return "/" + iri[len(base) :]
    if iri.startswith(EDAM):
        return "/edam/" + iri[len(EDAM) :]
    return None


def sparql_link(iri: str) -> str:
    """A link that opens ``DESCRIBE <iri>`` in the query page (which runs it)."""
    return "/query?" + urlencode({"query": f"DESCRIBE <{iri}>"})


def render(template: str, status: int = 200, **context: Any) -> Response:
    """Render ``template`` inside the page frame as ``text/html; charset=utf-8``."""
    body = render_template(template, **context)
    return Response(body, status, content_type="text/html; charset=utf-8")


def _type_label(iri: str) -> str:
    index, schema = get_index(), get_schema_doc()
    names = sorted(
        schema.by_uri[t].name for t in index.iris(iri, RDF_TYPE) if t in schema.by_uri
    )
    if iri.startswith(EDAM):
        return "EDAM " + iri[len(EDAM) :].split("_")[0]
    preferred = [n for n in names if n not in ("Paper",)] or names
    return class_label(preferred[-1]) if preferred else "Entity"


def class_label(name: str) -> str:
    """A class name in words: ``SoftwareFramework`` → ``Software framework``."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).split(" ")
    return " ".join([words[0], *(w.lower() for w in words[1:])])


def entity_page(iri: str) -> Response:
    """The HTML page about an entity or an EDAM term."""
    index, schema = get_index(), get_schema_doc()
    linker = Linker(index, base_iri())
    path = local_path(iri) or ""
    jsonld = bioschemas(index, iri)
    code = iri[len(EDAM) :] if iri.startswith(EDAM) else None
    hidden = frozenset(lineage.predicates(schema) | history.predicates(schema))
    is_method = METHOD in index.types(iri)
    return render(
        "entity.html",
        iri=iri,
        title=index.label(iri),
        kind=_type_label(iri),
        description=index.literal(iri, expand("dcterms:description")),
        withdrawn=_withdrawn(index, linker, schema, iri),
        facts=facts(index, linker, schema, iri, hidden),
        links=links_out(index, schema, iri),
        history=history.history(index, linker, schema, iri),
        listings=listings(index, linker, iri),
        lineage=lineage.lineage(index, linker, schema, iri) if is_method else [],
        related=related(index, linker, schema, iri),
        graph=svg.graph(neighbourhood.neighbourhood(index, schema, linker, iri), "pic-near",
                        col_w=190) if is_method else None,
        jsonld=script_text(jsonld) if jsonld else None,
        rdf_links=[(name, f"{path}.{suffix}") for name, suffix in RDF_LINKS],
        sparql=sparql_link(iri),
        edam_browser=EDAM_BROWSER + code if code else None,
        editor=editor_link(iri),
    )


def editor_link(iri: str) -> str | None:
    """For an example query (``{base}query/{stem}``), the query editor with it loaded."""
    namespace = f"{base_iri()}{QUERY_SEGMENT}/"
    if not iri.startswith(namespace):
        return None
    return "/query?" + urlencode({"example": iri[len(namespace) :]})


def _withdrawn(index: KGIndex, linker: Linker, schema: SchemaDoc, iri: str) -> Item | None:
    """The version that last listed a withdrawn entry (its banner's link), else None."""
    if history.status(index, schema, iri) != "withdrawn":
        return None
    last = index.iris(iri, schema.slot_uri("last_listed"))
    return linker.item(last[0]) if last else Item("an earlier version")


def not_found(iri: str) -> Response:
    """404 page for an unknown ID, with a search box."""
    guess = iri.rstrip("/").rsplit("/", 1)[-1].replace("-", " ")
    return render("notfound.html", 404, iri=iri, guess=guess)


def schema_page(doc: SchemaDoc, local: str) -> Response:
    """The definition of one schema term."""
    return render("schema_term.html", doc=doc, term=doc.terms[local], local=local,
                  rdf_links=[(n, f"/schema/{local}.{s}") for n, s in RDF_LINKS])


def schema_index(doc: SchemaDoc) -> Response:
    """All classes, slots, enums and types of the schema."""
    groups = {}
    for kind in ("class", "slot", "enum", "type"):
        groups[kind] = sorted(
            (name, term) for name, term in doc.terms.items() if term.kind == kind and term.name == name
        )
    return render("schema_index.html", doc=doc, groups=groups,
                  rdf_links=[(n, f"/schema.{s}") for n, s in RDF_LINKS])


@bp.route("/")
def home() -> Response:
    """The landing page: the field drawn (methods over time, architectures, lineage, topics).

    ---
    get:
      responses: {200: Page}
    """
    from server.site.browse import CLASSES

    index, schema, base = get_index(), get_schema_doc(), base_iri()
    counts = [(c.title, c.path, len(index.instances(c.type_iri))) for c in CLASSES]
    columns, subfields = field.timeline(index, schema, base)
    lineage_graph = neighbourhood.lineage_graph(index, schema, Linker(index, base))
    return render(
        "home.html", counts=counts, version=index.version,
        timeline=svg.stacked_bars(columns, "pic-time"), subfields=svg.legend(subfields),
        architectures=svg.tree(field.taxonomy(index, base), "pic-arch"),
        lineage=svg.graph(lineage_graph, "pic-lineage"), lineage_count=len(lineage_graph.nodes),
        lineage_link=neighbourhood.lineage_link(),
        topics=svg.hbars(field.topics(index, base), "pic-topics"),
    )
