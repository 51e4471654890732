"""The field at a glance, as the home page draws it: methods per year of first listing by
subfield, the architecture taxonomy with counts, the lineage graph between methods and the EDAM
topics covered. Pure functions of the KG index; every value carries its faceted-list link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from server.graph.kgindex import BROADER, KGIndex
from server.graph.schemadoc import SchemaDoc
from server.site.facets import FACETS, facet_values, listed_year, param_value
from server.site.related import METHOD

FACET = {facet.param: facet for facet in FACETS}
TOPIC_ROOT = "topic_0003"  # EDAM's "Topic", above every topic


@dataclass
class Link:
    """A drawn value: its words, the faceted list (or page) it opens, a count and a colour."""

    label: str
    href: str
    count: int = 0
    colour: int = 0
    note: str = ""


@dataclass
class Column:
    """One year's bar: the year's link and its segments, one per subfield."""

    year: Link
    segments: list[Link]


@dataclass
class TreeRow:
    """One concept of a taxonomy at its depth, drawn as a row of an indented tree."""

    link: Link
    depth: int
    parent: int | None  # row index of the parent


@dataclass
class Graph:
    """Methods as nodes placed on a grid (column, row) and typed edges between node indices."""

    nodes: list[Link] = field(default_factory=list)
    places: list[tuple[int, float]] = field(default_factory=list)
    edges: list[tuple[int, int, str]] = field(default_factory=list)  # (from, to, kind)


def method_list(**params: str) -> str:
    """``/method/?…`` for the given facet parameters (sorted, so links are stable)."""
    return "/method/?" + urlencode(sorted(params.items())) if params else "/method/"


def top_concept(index: KGIndex, iri: str) -> str:
    """The broadest concept above ``iri`` (``skos:broader`` followed to the top, first by IRI)."""
    while True:
        parents = index.iris(iri, BROADER)
        if not parents:
            return iri
        iri = parents[0]


def timeline(index: KGIndex, schema: SchemaDoc, base: str) -> tuple[list[Column], list[Link]]:
    """Per year of first listing, the methods of each top subfield; and the subfield legend."""
    facet = FACET["subfield"]
    pairs: dict[tuple[str, str], int] = {}
    for method in index.instances(METHOD):
        year = listed_year(index, schema, method)
        tops = {top_concept(index, s) for s in index.iris(method, facet.predicate)}
        for top in tops if year else ():
            pairs[(year, top)] = pairs.get((year, top), 0) + 1
    totals: dict[str, int] = {}
    for (_, top), n in pairs.items():
        totals[top] = totals.get(top, 0) + n
    order = sorted(totals, key=lambda t: (-totals[t], index.label(t).casefold()))
    legend = [Link(index.label(t), method_list(subfield=param_value(facet, t, base)), totals[t], i)
              for i, t in enumerate(order)]
    columns = []
    for year in sorted({year for year, _ in pairs}):
        segments = [
            Link(index.label(t), method_list(listed=year, subfield=param_value(facet, t, base)),
                 pairs[(year, t)], i)
            for i, t in enumerate(order) if (year, t) in pairs
        ]
        columns.append(Column(Link(year, method_list(listed=year)), segments))
    return columns, legend


def taxonomy(index: KGIndex, base: str, param: str = "architecture") -> list[TreeRow]:
    """The concepts of a facet that some method uses (narrower ones counted), as a tree."""
    facet = FACET[param]
    counts = {v.value: v.count for v in facet_values(index, facet, index.instances(METHOD), {}, base)}
    rows: list[TreeRow] = []

    def visit(iri: str, depth: int, parent: int | None) -> None:
        value = param_value(facet, iri, base)
        if not counts.get(value):
            return
        rows.append(TreeRow(Link(index.label(iri), method_list(**{param: value}), counts[value]),
                            depth, parent))
        here = len(rows) - 1
        children = index.subjects(BROADER, iri)
        for child in sorted(children, key=lambda c: (-counts.get(param_value(facet, c, base), 0),
                                                      index.label(c).casefold())):
            visit(child, depth + 1, here)

    prefix = f"{base}{facet.segment}/"
    roots = [c for c in index.instances(_concept_class(index, prefix)) if not index.iris(c, BROADER)]
    for root in sorted(roots, key=lambda r: -counts.get(param_value(facet, r, base), 0)):
        visit(root, 0, None)
    return rows


def _concept_class(index: KGIndex, prefix: str) -> str:
    """The RDF class of the concepts whose IRIs start with ``prefix``."""
    for iri in index.out:
        if iri.startswith(prefix) and "#" not in iri:
            return sorted(index.types(iri))[0]
    return ""


def topics(index: KGIndex, base: str, limit: int = 12) -> list[Link]:
    """The EDAM topics with the most methods (narrower topics counted), most first."""
    facet = FACET["topic"]
    values = [v for v in facet_values(index, facet, index.instances(METHOD), {}, base)
              if v.value != TOPIC_ROOT][:limit]
    return [Link(v.label, method_list(topic=v.value), v.count) for v in values]
