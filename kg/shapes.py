"""SHACL shapes read into plain checks: the constraint components LinkML's generator emits.

Each property constraint becomes a ``(component, ok(value, graph))`` pair; a shape using any other
SHACL feature raises :class:`ShapeError`, so a schema change never passes unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Protocol

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, parse

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: Shape predicates that carry no constraint.
ANNOTATIONS = {RDF + "type", SH + "description", SH + "order", SH + "name",
               "http://www.w3.org/2000/01/rdf-schema#comment"}  # fmt: skip
#: Lexical forms of the XSD datatypes whose literals can be ill-typed (as pyshacl checks them).
LEXICAL = {
    XSD + "integer": r"[+-]?\d+",
    XSD + "boolean": r"true|false|1|0",
    XSD + "decimal": r"[+-]?(\d+(\.\d*)?|\.\d+)",
    XSD + "double": r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|-INF|NaN",
    XSD + "date": r"-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?",
    XSD + "dateTime": r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?",
}
NUMERIC = {XSD + "integer", XSD + "decimal", XSD + "double", XSD + "float"}
Term = NamedNode | BlankNode | Literal


class ShapeError(Exception):
    """The shapes use a SHACL feature this validator does not implement."""


class Graph(Protocol):
    """What value checks need of the data graph."""

    def is_instance(self, node: Term, cls: str) -> bool: ...


Check = Callable[[Term, Graph], bool]


@dataclass(frozen=True)
class PropertyShape:
    """Constraints on the values of one predicate of a focus node."""

    path: str
    min_count: int = 0
    max_count: int | None = None
    checks: tuple[tuple[str, Check], ...] = ()


@dataclass(frozen=True)
class NodeShape:
    """A shape, its target classes and its property shapes."""

    iri: str
    targets: tuple[str, ...]
    properties: tuple[PropertyShape, ...]
    closed: frozenset[str] | None = None  # allowed predicates when sh:closed


def _well_typed(value: Literal, datatype: str) -> bool:
    lexical = LEXICAL.get(datatype)
    return lexical is None or re.fullmatch(lexical, value.value) is not None


def _number(value: Term) -> Decimal | None:
    if not isinstance(value, Literal) or value.datatype.value not in NUMERIC:
        return None
    try:
        return Decimal(value.value)
    except InvalidOperation:
        return None


def _node_kind(kind: str) -> Check:
    allowed = {
        "IRI": (NamedNode,), "Literal": (Literal,), "BlankNode": (BlankNode,),
        "BlankNodeOrIRI": (BlankNode, NamedNode), "BlankNodeOrLiteral": (BlankNode, Literal),
        "IRIOrLiteral": (NamedNode, Literal),
    }[kind.removeprefix(SH)]  # fmt: skip
    return lambda v, _: isinstance(v, allowed)


def _datatype(datatype: str) -> Check:
    return lambda v, _: (
        isinstance(v, Literal) and v.datatype.value == datatype and _well_typed(v, datatype)
    )


def _pattern(pattern: str, flags: str) -> Check:
    regex = re.compile(pattern, sum(getattr(re, f.upper(), 0) for f in flags if f in "ismx"))
    return lambda v, _: not isinstance(v, BlankNode) and regex.search(v.value) is not None


def _min_inclusive(bound: Literal) -> Check:
    limit = _number(bound)
    return lambda v, _: (n := _number(v)) is not None and limit is not None and n >= limit


def _in(members: list[Term]) -> Check:
    allowed = set(members)
    return lambda v, _: v in allowed


def _class(cls: str) -> Check:
    return lambda v, graph: graph.is_instance(v, cls)


#: sh: predicate → (component, factory of the check from the object).
FACTORIES: dict[str, tuple[str, Callable[..., Check]]] = {
    "nodeKind": ("NodeKind", lambda o, _: _node_kind(o.value)),
    "datatype": ("Datatype", lambda o, _: _datatype(o.value)),
    "class": ("Class", lambda o, _: _class(o.value)),
    "minInclusive": ("MinInclusive", lambda o, _: _min_inclusive(o)),
    "in": ("In", lambda o, body: _in(body.list(o))),
}


class _Triples:
    """Subject → predicate → objects of the shapes graph."""

    def __init__(self, triples: Iterable):
        self.by_subject: dict[Term, dict[str, list[Term]]] = {}
        for t in triples:
            self.by_subject.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(
                t.object
            )

    def get(self, node: Term) -> dict[str, list[Term]]:
        return self.by_subject.get(node, {})

    def one(self, node: Term, name: str) -> Term | None:
        values = self.get(node).get(SH + name, [])
        return values[0] if values else None

    def list(self, head: Term) -> list[Term]:
        items = []
        while head != NamedNode(RDF + "nil"):
            body = self.get(head)
            items.append(body[RDF + "first"][0])
            head = body[RDF + "rest"][0]
        return items


def _property(graph: _Triples, node: Term) -> PropertyShape:
    body = graph.get(node)
    path = graph.one(node, "path")
    if not isinstance(path, NamedNode):
        raise ShapeError(f"only predicate paths are supported, not {path}")
    checks: list[tuple[str, Check]] = []
    for predicate, objects in body.items():
        name = predicate.removeprefix(SH)
        if predicate in ANNOTATIONS or name in ("path", "minCount", "maxCount", "flags"):
            continue
        if name == "pattern":
            flags = graph.one(node, "flags")
            checks.append(("Pattern", _pattern(objects[0].value, flags.value if flags else "")))
        elif name in FACTORIES:
            component, factory = FACTORIES[name]
            checks.extend((component, factory(o, graph)) for o in objects)
        else:
            raise ShapeError(f"unsupported constraint {predicate} on {path.value}")
    low, high = graph.one(node, "minCount"), graph.one(node, "maxCount")
    return PropertyShape(path.value, int(low.value) if low else 0,
                         int(high.value) if high else None, tuple(checks))  # fmt: skip


def _node_shape(graph: _Triples, node: NamedNode) -> NodeShape:
    body = graph.get(node)
    known = {SH + n for n in ("targetClass", "property", "closed", "ignoredProperties")}
    unknown = set(body) - known - ANNOTATIONS
    if unknown:
        raise ShapeError(f"unsupported node constraints {sorted(unknown)} on {node.value}")
    properties = tuple(_property(graph, p) for p in body.get(SH + "property", []))
    closed = graph.one(node, "closed")
    allowed = None
    if closed is not None and closed.value == "true":
        ignored = [graph.list(i) for i in body.get(SH + "ignoredProperties", [])]
        allowed = frozenset(
            {p.path for p in properties} | {t.value for lst in ignored for t in lst}
        )
    targets = tuple(t.value for t in body.get(SH + "targetClass", []))
    return NodeShape(node.value, targets, properties, allowed)


def read_shapes(path: Path) -> list[NodeShape]:
    """Every node shape of a SHACL Turtle file."""
    graph = _Triples(parse(path=str(path), format=RdfFormat.TURTLE))
    shape_type = NamedNode(SH + "NodeShape")
    nodes = [s for s, body in graph.by_subject.items() if shape_type in body.get(RDF + "type", [])]
    return [_node_shape(graph, node) for node in sorted(nodes, key=str)]
