"""Graphs of methods: the lineage graph of the whole list (home page) and one method's
neighbourhood (its page): lineage both ways, and methods sharing its architecture or a topic.

Relations come from the schema's slots (``builds_on`` is ``schema:isBasedOn``, ``related_to``
is ``dcterms:relation``, the broadest); nodes are placed on a grid that ``server.site.svg`` draws.
"""

from __future__ import annotations

from kg.namespaces import expand
from server.graph.kgindex import KGIndex
from server.graph.schemadoc import SchemaDoc
from server.site.entityview import Linker
from server.site.field import Graph, Link, method_list
from server.site.related import METHOD

ARCHITECTURE = expand("dlbio:architecture")
TOPIC = expand("edam:has_topic")


def _edges(index: KGIndex, schema: SchemaDoc) -> list[tuple[str, str, str]]:
    """(method, other, kind): ``builds_on`` edges point at the older method; ``related`` the rest."""
    builds, related = schema.slot_uri("builds_on"), schema.slot_uri("related_to")
    edges, seen = [], set()
    for method in index.instances(METHOD):
        for other in index.iris(method, builds):
            edges.append((method, other, "builds_on"))
            seen.add(frozenset((method, other)))
    for method in index.instances(METHOD):
        for other in index.iris(method, related):
            pair = frozenset((method, other))
            if other != method and pair not in seen:
                edges.append((method, other, "related"))
                seen.add(pair)
    return edges


def _depths(nodes: list[str], edges: list[tuple[str, str, str]]) -> dict[str, int]:
    """Column of each node: older methods (those built on) to the left."""
    older = {n: [o for m, o, k in edges if m == n and k == "builds_on"] for n in nodes}
    depth: dict[str, int] = {}

    def of(node: str, path: frozenset[str]) -> int:
        if node not in depth:
            depth[node] = 1 + max((of(o, path | {node}) for o in older[node] if o not in path),
                                  default=-1)
        return depth[node]

    for node in nodes:
        of(node, frozenset())
    for method, other, kind in edges:
        if kind == "related" and depth[method] == depth[other]:
            depth[max(method, other)] += 1 if not older[max(method, other)] else 0
    return depth


def _components(nodes: list[str], edges: list[tuple[str, str, str]]) -> list[list[str]]:
    group = {n: {n} for n in nodes}
    for method, other, _ in edges:
        if group[method] is not group[other]:
            merged = group[method] | group[other]
            for n in merged:
                group[n] = merged
    unique = {id(g): sorted(g) for g in group.values()}
    return sorted(unique.values(), key=lambda g: (-len(g), g[0]))


def lineage_graph(index: KGIndex, schema: SchemaDoc, linker: Linker) -> Graph:
    """Every method related to another, in connected groups, older methods to the left."""
    edges = _edges(index, schema)
    nodes = sorted({n for m, o, _ in edges for n in (m, o)})
    depth = _depths(nodes, edges)
    graph, at, top = Graph(), {}, 0
    for component in _components(nodes, edges):
        used: dict[int, int] = {}
        for node in sorted(component, key=lambda n: (depth[n], index.label(n).casefold())):
            column = depth[node]
            at[node] = len(graph.nodes)
            graph.nodes.append(Link(index.label(node), linker.path(node) or node))
            graph.places.append((column, top + used.get(column, 0)))
            used[column] = used.get(column, 0) + 1
        top += max(used.values())
    graph.edges = [(at[m], at[o], kind) for m, o, kind in edges]
    return graph


def _sharing(index: KGIndex, method: str, exclude: set[str], limit: int) -> list[tuple[str, str]]:
    """Methods sharing the most architectures and topics with ``method``: (method, what)."""
    shared: dict[str, list[str]] = {}
    for predicate in (ARCHITECTURE, TOPIC):
        for value in index.iris(method, predicate):
            for other in index.subjects(predicate, value):
                if other not in exclude and METHOD in index.types(other):
                    shared.setdefault(other, []).append(index.label(value))
    ranked = sorted(shared, key=lambda o: (-len(shared[o]), index.label(o).casefold()))
    return [(o, ", ".join(shared[o])) for o in ranked[:limit]]


def neighbourhood(index: KGIndex, schema: SchemaDoc, linker: Linker, method: str,
                  limit: int = 6) -> Graph:
    """The method in the middle, what it builds on to the left, what builds on it to the right,
    and below the methods sharing its architecture or a topic."""
    related, builds = schema.slot_uri("related_to"), schema.slot_uri("builds_on")
    older = [o for o in index.iris(method, related) if o != method]
    newer = [n for n in index.subjects(related, method) if n not in older and n != method]
    graph = Graph([Link(index.label(method), linker.path(method) or method, colour=1)], [(1, 0)])
    for column, others, outgoing in ((0, older, True), (2, newer, False)):
        for row, other in enumerate(sorted(others, key=lambda o: index.label(o).casefold())):
            pair = (method, other) if outgoing else (other, method)
            kind = "builds_on" if pair[1] in index.iris(pair[0], builds) else "related"
            graph.edges.append((0, len(graph.nodes), kind) if outgoing
                               else (len(graph.nodes), 0, kind))
            graph.nodes.append(Link(index.label(other), linker.path(other) or other))
            graph.places.append((column, row))
    graph.places[0] = (1, (max(len(older), len(newer), 1) - 1) / 2)
    first = max(len(older), len(newer), 1) + 1
    for i, (other, what) in enumerate(_sharing(index, method, {method, *older, *newer}, limit)):
        graph.edges.append((0, len(graph.nodes), "shares"))
        graph.nodes.append(Link(index.label(other), linker.path(other) or other, colour=2,
                                note=f"shares {what}"))
        graph.places.append((i % 3, first + i // 3))
    return graph


def lineage_link() -> str:
    """The faceted list of the methods in the lineage graph."""
    return method_list(lineage="yes")
