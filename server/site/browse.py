"""Browse pages: an index per class, the faceted method list and the text search.

All filtering is by GET parameters (``/method/?architecture=rnn&topic=topic_3295&code=yes``),
so every state is a link and nothing needs JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, Response, request

from kg.namespaces import EDAM, expand
from server.graph.kgindex import ISSUED, KGIndex, get_index
from server.graph.schemadoc import get_schema_doc
from server.graph.segments import INDEX_SEGMENTS
from server.site.facets import (
    FACETS,
    facet_values,
    has_code,
    listed_values,
    method_year,
    search,
    select,
    status_values,
    year_values,
)
from server.site.history import status
from server.site.pages import base_iri, local_path, render
from server.site.related import EDAM_PREDICATES, METHOD

bp = Blueprint("browse", __name__)


@dataclass(frozen=True)
class BrowseClass:
    """A class with an index page: title, path and RDF type."""

    title: str
    path: str
    type_iri: str


CLASSES = (
    BrowseClass("Methods", "/method/", METHOD),
    BrowseClass("Papers", "/paper/", expand("schema:ScholarlyArticle")),
    BrowseClass("Architectures", "/architecture/", expand("dlbio:Architecture")),
    BrowseClass("Data modalities", "/modality/", expand("dlbio:DataModality")),
    BrowseClass("Subfields", "/subfield/", expand("dlbio:Subfield")),
    BrowseClass("Software frameworks", "/framework/", expand("dlbio:SoftwareFramework")),
    BrowseClass("Code repositories", "/repository/", expand("schema:SoftwareSourceCode")),
    BrowseClass("Resources", "/resource/", expand("dlbio:Resource")),
    BrowseClass("Versions of the list", "/version/", expand("dlbio:ListVersion")),
)
BY_SEGMENT = {c.path.strip("/"): c for c in CLASSES}


def _query_link(params: dict[str, list[str]], change: dict[str, str | None]) -> str:
    """The method-list URL with ``change`` applied (None removes a parameter)."""
    merged = {k: list(v) for k, v in params.items() if v}
    for key, value in change.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = [value]
    return "/method/?" + urlencode(sorted(merged.items()), doseq=True) if merged else "/method/"


def _method_row(index: KGIndex, method: str) -> dict[str, object]:
    schema = get_schema_doc()

    def labelled(predicate: str) -> list[tuple[str, str | None]]:
        return [(index.label(v), local_path(v)) for v in index.iris(method, predicate)]

    return {
        "href": local_path(method),
        "name": index.label(method),
        "description": index.literal(method, expand("dcterms:description")) or "",
        "subfields": labelled(expand("dcterms:subject")),
        "architectures": labelled(expand("dlbio:architecture")),
        "year": method_year(index, method) or "",
        "code": has_code(index, method),
        "withdrawn": status(index, schema, method) == "withdrawn",
    }


def method_rows(index: KGIndex, methods: list[str]) -> list[dict[str, object]]:
    """One table row per method: link, name, description, subfields, architectures, year, code.

    Rows are computed once per method and KG version (the index is immutable).
    """
    rows = []
    for method in methods:
        key = ("row", method)
        if key not in index.memo:
            index.memo[key] = _method_row(index, method)
        rows.append(index.memo[key])
    return rows  # type: ignore[return-value]


def method_list() -> Response:
    """The faceted list of methods."""
    index, base, schema = get_index(), base_iri(), get_schema_doc()
    params = {key: request.args.getlist(key) for key in request.args}
    methods = select(index, params, base, schema)
    facets = []
    for facet in FACETS:
        values = facet_values(index, facet, methods, params, base)
        links = [(v, _query_link(params, {facet.param: None if v.selected else v.value}))
                 for v in values]
        facets.append((facet, links))
    years = [(y, n, _query_link(params, {"year": y})) for y, n in year_values(index, methods)]
    listed = [(y, n, _query_link(params, {"listed": None if [y] == params.get("listed") else y}),
               [y] == params.get("listed")) for y, n in listed_values(index, schema, methods)]
    lineage = _query_link(params, {"lineage": None if params.get("lineage") else "yes"})
    code_links = {v: _query_link(params, {"code": v}) for v in ("yes", "no")}
    selected = params.get("status", [])
    states = [(v, n, _query_link(params, {"status": None if v in selected else v}), v in selected)
              for v, n in status_values(index, schema, methods)]
    return render("methods.html", rows=method_rows(index, methods), facets=facets, years=years,
                  code_links=code_links, states=states, params=params, listed=listed,
                  lineage=(lineage, params.get("lineage") == ["yes"]),
                  total=len(index.instances(METHOD)),
                  clear_link="/method/", query=" ".join(params.get("q", [])))


def _edam_index(index: KGIndex) -> Response:
    used = sorted({o for p in EDAM_PREDICATES for o in index.objects(p)})
    groups: dict[str, list[tuple[str, str, str | None]]] = {}
    for iri in used:
        branch = iri[len(EDAM) :].split("_")[0]
        groups.setdefault(branch, []).append((iri[len(EDAM) :], index.label(iri), local_path(iri)))
    return render("edam_index.html", groups=sorted(groups.items()))


@bp.route(f"/<any({', '.join(INDEX_SEGMENTS)}):segment>/")
def class_index(segment: str) -> Response:
    """Every instance of one class (the method index is the faceted list; versions newest first).

    ---
    get:
      responses: {200: Page}
    """
    if segment == "method":
        return method_list()
    index, browse = get_index(), BY_SEGMENT[segment]
    instances = index.instances(browse.type_iri)
    if segment == "version":
        instances.sort(key=lambda i: index.literal(i, ISSUED) or "", reverse=True)
    items = [
        (index.label(i), local_path(i), index.literal(i, expand("dcterms:description")))
        for i in instances
    ]
    return render("class_index.html", title=browse.title, items=items)


@bp.route("/edam/")
def edam_index() -> Response:
    """Every EDAM term used to annotate methods, by branch.

    ---
    get:
      responses: {200: Page}
    """
    return _edam_index(get_index())


@bp.route("/browse")
def browse() -> Response:
    """Every class index with its size (facet parameters in the query string).

    ---
    get:
      responses: {200: Page}
    """
    index = get_index()
    counts = [(c.title, c.path, len(index.instances(c.type_iri))) for c in CLASSES]
    return render("browse.html", counts=counts)


@bp.route("/search")
def search_page() -> Response:
    """Text search over names and descriptions of every entity and EDAM term.

    ---
    get:
      parameters:
        - {name: q, in: query, required: false, description: search text, schema: {type: string}}
      responses: {200: Page}
    """
    index, query = get_index(), request.args.get("q", "").strip()
    hits = search(index, query, base_iri()) if query else []
    results = [
        (index.label(iri), local_path(iri), index.literal(iri, expand("dcterms:description")))
        for iri, _ in hits
    ]
    return render("search.html", query=query, results=results)
