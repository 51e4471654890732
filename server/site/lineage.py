"""A method's lineage both ways: what it builds on and what builds on it.

The build asserts each relation under its property and every broader one (``related_to`` ⊃
``builds_on`` ⊃ ``reimplementation_of``); a page shows the most specific property of each pair
only, worded by kind, and marks the relations the curators inferred (``stated`` false).
Predicates come from the schema's slots, so a changed ``slot_uri`` needs no change here.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.graph.kgindex import KGIndex
from server.graph.schemadoc import SchemaDoc
from server.site.entityview import Item, Linker

#: Relation slot → (wording from the method, wording towards it), in display order.
WORDS = {
    "reimplementation_of": ("re-implementation of", "re-implemented by"),
    "follow_up_of": ("follow-up of", "followed up by"),
    "improves_on": ("improves on", "improved on by"),
    "uses_component": ("uses as a component", "used as a component by"),
    "builds_on": ("builds on", "built upon by"),
    "compared_with": ("compared with", "compared with"),
    "related_to": ("related to", "related to"),
}
SYMMETRIC = {"compared_with", "related_to"}


@dataclass
class Kind:
    """The methods related to a page's method by one kind of relation, in one direction."""

    words: str
    items: list[Item]


def predicates(schema: SchemaDoc) -> set[str]:
    """Every predicate that lineage shows: the relation slots and the relation nodes' link."""
    return {schema.slot_uri(name) for name in (*WORDS, "relations")}


def _ancestors(schema: SchemaDoc, name: str) -> set[str]:
    found, parent = set(), schema.parent(name)
    while parent in WORDS:
        found.add(parent)
        parent = schema.parent(parent)
    return found


def _most_specific(schema: SchemaDoc, names: set[str]) -> set[str]:
    broader = {a for name in names for a in _ancestors(schema, name)}
    return names - broader


def _stated(index: KGIndex, schema: SchemaDoc, method: str) -> dict[tuple[str, str], str]:
    """(property IRI, target) → the ``stated`` literal of the method's relation nodes."""
    found = {}
    for node in index.iris(method, schema.slot_uri("relations")):
        for prop in index.iris(node, schema.slot_uri("relation")):
            for target in index.iris(node, schema.slot_uri("target")):
                found[(prop, target)] = index.literal(node, schema.slot_uri("stated")) or "true"
    return found


def _pairs(index: KGIndex, schema: SchemaDoc, method: str, outgoing: bool) -> dict[str, set[str]]:
    """Other method → the relation slots linking the pair in one direction."""
    pairs: dict[str, set[str]] = {}
    for name in WORDS:
        predicate = schema.slot_uri(name)
        others = index.iris(method, predicate) if outgoing else index.subjects(predicate, method)
        for other in others:
            if other != method:
                pairs.setdefault(other, set()).add(name)
    return pairs


def _kinds(index: KGIndex, linker: Linker, schema: SchemaDoc, method: str,
           outgoing: bool, skip: dict[str, set[str]]) -> list[Kind]:
    by_kind: dict[str, list[Item]] = {}
    for other, names in _pairs(index, schema, method, outgoing).items():
        source, target = (method, other) if outgoing else (other, method)
        stated = _stated(index, schema, source)
        for name in _most_specific(schema, names) - skip.get(other, set()):
            inferred = stated.get((schema.slot_uri(name), target)) == "false"
            by_kind.setdefault(name, []).append(linker.item(other, "inferred" if inferred else ""))
    return [Kind(WORDS[name][0 if outgoing else 1],
                 sorted(by_kind[name], key=lambda i: i.text.casefold()))
            for name in WORDS if name in by_kind]


def lineage(index: KGIndex, linker: Linker, schema: SchemaDoc,
            method: str) -> list[tuple[str, list[Kind]]]:
    """'Builds on' and 'Built upon by', each grouped by kind; empty directions left out."""
    out = _pairs(index, schema, method, outgoing=True)
    echoes = {other: _most_specific(schema, names) & SYMMETRIC for other, names in out.items()}
    sections = [("Builds on", _kinds(index, linker, schema, method, True, {})),
                ("Built upon by", _kinds(index, linker, schema, method, False, echoes))]
    return [(title, kinds) for title, kinds in sections if kinds]
