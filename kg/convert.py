"""Curated records → RDF triples, with the predicates and classes the LinkML schema declares.

Conversion is driven by the schema index (slot → predicate and range); small per-class hooks add
what the schema implies but the data leaves implicit (SKOS scheme membership, PROV entity of a
listing, a paper's label). No blank nodes: inlined objects get fragment IRIs of their parent, so
the output is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pyoxigraph import Literal, NamedNode, Triple

from kg.edam import EdamTerm
from kg.namespaces import PREFIXES, SCHEMES, expand
from kg.records import Record
from kg.schema import SchemaArtifacts

RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
RDFS_LABEL = NamedNode(PREFIXES["rdfs"] + "label")
RDFS_SUBCLASS = NamedNode(PREFIXES["rdfs"] + "subClassOf")
OWL_CLASS = NamedNode(PREFIXES["owl"] + "Class")
SKOS = PREFIXES["skos"]
XSD = PREFIXES["xsd"]
IRI_RANGES = {"uri", "uriorcurie", "WebUrl"}
#: Fragment name of inlined objects without their own ID, by slot.
FRAGMENTS = {
    "links": "link",
    "listed_in": "listing",
    "cross_references": "xref",
    "relations": "relation",
}


def _literal(value: Any, range_: str) -> Literal:
    if isinstance(value, bool):
        return Literal(str(value).lower(), datatype=NamedNode(XSD + "boolean"))
    if isinstance(value, int) or range_ == "integer":
        return Literal(str(value), datatype=NamedNode(XSD + "integer"))
    if range_ == "datetime":
        return Literal(str(value), datatype=NamedNode(XSD + "dateTime"))
    return Literal(str(value))


#: A triple as its three terms (building a pyoxigraph ``Triple`` copies them: 1.5 µs each, a third
#: of the conversion's time when only the N-Triples text is wanted).
Statement = tuple[NamedNode, NamedNode, NamedNode | Literal]


class Converter:
    """Turns records into triples using one schema version's slot and class URIs."""

    def __init__(self, artifacts: SchemaArtifacts):
        self.artifacts = artifacts
        self._predicates: dict[str, NamedNode] = {}
        self._classes: dict[str, tuple[NamedNode, ...]] = {}

    def _object(self, value: Any, range_: str) -> NamedNode | Literal:
        meaning = self.artifacts.enum_meanings.get(range_, {}).get(str(value))
        if meaning:
            return NamedNode(meaning)
        is_reference = range_ in self.artifacts.class_uris
        if range_ in IRI_RANGES or range_.startswith("Edam") or is_reference:
            return NamedNode(expand(str(value)))
        return _literal(value, range_)

    def _types(self, cls: str) -> tuple[NamedNode, ...]:
        """The class's URI, its ancestors' (a review is also a paper) and skos:Concept for concepts."""
        if cls not in self._classes:
            ancestors = self.artifacts.ancestors.get(cls, [cls])
            uris = [self.artifacts.class_uris[a] for a in ancestors if a != "NamedThing"]
            uris += [SKOS + "Concept"] if cls in SCHEMES else []
            self._classes[cls] = tuple(map(NamedNode, uris))
        return self._classes[cls]

    def _predicate(self, uri: str) -> NamedNode:
        if uri not in self._predicates:
            self._predicates[uri] = NamedNode(uri)
        return self._predicates[uri]

    def _statements(self, node: NamedNode, cls: str, data: dict[str, Any]) -> Iterator[Statement]:
        for rdf_class in self._types(cls):
            yield node, RDF_TYPE, rdf_class
        slots = self.artifacts.slots[cls]
        for name, value in data.items():
            if name == "id":
                continue
            slot = slots[name]
            predicate = self._predicate(slot.uri)
            for i, item in enumerate(value if isinstance(value, list) else [value], start=1):
                if isinstance(item, dict):
                    child = self._child_node(node, name, i, item)
                    yield node, predicate, child
                    yield from self._statements(child, slot.range, item)
                else:
                    yield node, predicate, self._object(item, slot.range)

    def node_triples(self, node: NamedNode, cls: str, data: dict[str, Any]) -> list[Triple]:
        """The triples of one node of class ``cls`` with the fields ``data`` (and its inlined
        objects)."""
        return [Triple(*statement) for statement in self._statements(node, cls, data)]

    @staticmethod
    def _child_node(parent: NamedNode, slot: str, index: int, item: dict[str, Any]) -> NamedNode:
        if "id" in item:
            return NamedNode(expand(item["id"]))
        return NamedNode(f"{parent.value}#{FRAGMENTS.get(slot, slot)}-{index}")

    def record_statements(self, record: Record) -> Iterator[Statement]:
        """All triples of one curated record (including its inlined objects), as terms."""
        data = _with_implied_values(record, self.artifacts.relation_chains)
        yield from self._statements(NamedNode(expand(data["id"])), record.cls, data)

    def statements(self, records: Iterable[Record]) -> Iterator[Statement]:
        """Triples (as terms) of all records plus the SKOS concept schemes they belong to."""
        for record in records:
            yield from self.record_statements(record)
        for triple in scheme_triples():
            yield triple.subject, triple.predicate, triple.object


def _with_implied_values(record: Record, chains: dict[str, list[str]]) -> dict[str, Any]:
    """The record's data plus values the build fills in (never stored in data/)."""
    data = dict(record.data)
    if record.cls in ("Paper", "Review") and "name" not in data:
        data["name"] = data["title"]
    listing = data.get("last_listed", data.get("source"))
    if "listed_in" in data and listing:
        data["listed_in"] = [{**p, "entity": listing} for p in data["listed_in"]]
    if data.get("relations"):
        data |= _relation_values(data["relations"], data.get("last_listed"), chains)
    if record.cls in SCHEMES:
        data["in_scheme"] = SCHEMES[record.cls]
        if not data.get("broader"):
            data["top_concept_of"] = SCHEMES[record.cls]
    return data


def _relation_values(
    relations: list[dict[str, Any]], read_from: str | None, chains: dict[str, list[str]]
) -> dict[str, Any]:
    """Relations with ``stated`` and ``read_from`` filled in, and the direct edges of each
    relation under its property and every broader one (so ``schema:isBasedOn+`` finds them all)."""
    filled = [{"stated": True, **r} | ({"read_from": read_from} if read_from else {})
              for r in relations]  # fmt: skip
    direct: dict[str, list[str]] = {}
    for relation in relations:
        for slot in chains[relation["relation"]]:
            targets = direct.setdefault(slot, [])
            if relation["target"] not in targets:
                targets.append(relation["target"])
    return {"relations": filled, **direct}


SCHEME_LABELS = {
    "Architecture": "DLBio neural-network architectures",
    "DataModality": "DLBio data modalities",
    "Subfield": "DLBio subfields of biology",
}


def scheme_triples() -> Iterator[Triple]:
    """The three SKOS concept schemes (architectures, modalities, subfields)."""
    for cls, iri in SCHEMES.items():
        node = NamedNode(iri)
        yield Triple(node, RDF_TYPE, NamedNode(SKOS + "ConceptScheme"))
        yield Triple(node, RDFS_LABEL, Literal(SCHEME_LABELS[cls]))


def edam_triples(terms: Iterable[EdamTerm]) -> Iterator[Triple]:
    """Label and direct parents of each EDAM term (pass the full ancestry for closure)."""
    for term in terms:
        node = NamedNode(term.iri)
        yield Triple(node, RDF_TYPE, OWL_CLASS)
        yield Triple(node, RDFS_LABEL, Literal(term.label))
        for parent in term.parents:
            yield Triple(node, RDFS_SUBCLASS, NamedNode(expand(parent)))
