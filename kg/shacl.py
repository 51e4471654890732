"""SHACL validation of the built graph with the shapes generated from the LinkML schema.

The shapes (read by :mod:`kg.shapes`) are checked in one pass over the triples, grouped by subject;
``tests/kg/test_shacl_agreement.py`` proves the result equals pyshacl's. Violations are reported
as :class:`~kg.errors.DataProblem` naming the file, record and field they come from.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from kg.convert import FRAGMENTS
from kg.errors import DataInvalid, DataProblem
from kg.namespaces import expand
from kg.records import Record
from kg.schema import SchemaArtifacts
from kg.shapes import SH, NodeShape, PropertyShape, Term, read_shapes

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
MAX_REPORTED = 50


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result: focus node, path, constraint component and value."""

    focus: Term
    path: str | None
    component: str
    value: Term | None = None

    def key(self) -> tuple[str, str, str, str]:
        """Comparable form (used to compare with pyshacl)."""
        return (str(self.focus), self.path or "", SH + self.component + "ConstraintComponent",
                "" if self.value is None else str(self.value))  # fmt: skip


class DataGraph:
    """Types and subclass links of the data graph (SHACL instance checks).

    Triples grouped by subject keep one shared set per distinct combination of types."""

    def __init__(self, triples: Iterable[Triple]):
        self.types: dict[Term, frozenset[str]] = {}
        shared: dict[frozenset[str], frozenset[str]] = {}
        parents: dict[str, set[str]] = {}
        for subject, group in groupby(triples, key=lambda t: t.subject):
            types = set()
            for t in group:
                predicate = t.predicate.value
                if predicate == RDF_TYPE and isinstance(t.object, NamedNode):
                    types.add(t.object.value)
                elif predicate == SUBCLASS_OF and isinstance(t.object, NamedNode):
                    parents.setdefault(subject.value, set()).add(t.object.value)
            if types:
                key = frozenset(types | self.types.get(subject, frozenset()))
                self.types[subject] = shared.setdefault(key, key)
        self._parents = parents
        self._closure: dict[str, frozenset[str]] = {}

    def superclasses(self, cls: str) -> frozenset[str]:
        """``cls`` and every class it is a subclass of (rdfs:subClassOf*)."""
        if cls not in self._closure:
            seen, todo = {cls}, [cls]
            while todo:
                for parent in self._parents.get(todo.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            self._closure[cls] = frozenset(seen)
        return self._closure[cls]

    def is_instance(self, node: Term, cls: str) -> bool:
        """Whether ``node`` is a SHACL instance of ``cls``."""
        return any(cls in self.superclasses(t) for t in self.types.get(node, ()))


def _property_violations(
    focus: Term, shape: PropertyShape, values: list[Term], graph: DataGraph
) -> Iterator[Violation]:
    if len(values) < shape.min_count:
        yield Violation(focus, shape.path, "MinCount")
    if shape.max_count is not None and len(values) > shape.max_count:
        yield Violation(focus, shape.path, "MaxCount")
    for value in values:
        for component, ok in shape.checks:
            if not ok(value, graph):
                yield Violation(focus, shape.path, component, value)


def _node_violations(
    focus: Term, shape: NodeShape, objects: dict[str, list[Term]], graph: DataGraph
) -> Iterator[Violation]:
    for prop in shape.properties:
        yield from _property_violations(focus, prop, objects.get(prop.path, []), graph)
    if shape.closed is not None:
        for predicate, values in objects.items():
            if predicate not in shape.closed:
                yield from (Violation(focus, predicate, "Closed", v) for v in values)


def _by_subject(triples: Iterable[Triple]) -> Iterator[tuple[Term, dict[str, list[Term]]]]:
    """Subject and its predicate → objects, for triples sorted (or at least grouped) by subject."""
    seen: set[Term] = set()
    for subject, group in groupby(triples, key=lambda t: t.subject):
        if subject in seen:
            raise ValueError(f"triples are not grouped by subject: {subject} twice")
        seen.add(subject)
        objects: dict[str, list[Term]] = {}
        for t in group:
            objects.setdefault(t.predicate.value, []).append(t.object)
        yield subject, objects


def violations(triples: Iterable[Triple], shapes: list[NodeShape]) -> list[Violation]:
    """Every SHACL violation of the triples (grouped by subject, as the build sorts them; read
    twice, so a list or a re-iterable such as :class:`kg.dumps.NTriplesFile`)."""
    graph = DataGraph(triples)
    targeting: dict[str, list[NodeShape]] = {}
    for shape in shapes:
        for target in shape.targets:
            targeting.setdefault(target, []).append(shape)
    applicable: dict[frozenset[str], list[NodeShape]] = {}
    found = []
    for focus, objects in _by_subject(triples):
        types = frozenset(graph.types.get(focus, ()))
        if types not in applicable:
            classes = set().union(*(graph.superclasses(t) for t in types))
            applicable[types] = [s for c in sorted(classes) for s in targeting.get(c, [])]
        for shape in dict.fromkeys(applicable[types]):
            found.extend(_node_violations(focus, shape, objects, graph))
    return found


def _message(v: Violation) -> str:
    value = f" {v.value}" if isinstance(v.value, Literal | NamedNode) else ""
    what = {"MinCount": "too few values", "MaxCount": "too many values",
            "Closed": "property not allowed here"}.get(v.component, "value fails")  # fmt: skip
    return f"SHACL {v.component}: {what}{value}"


class Locator:
    """Maps a focus node and predicate back to the record, file and field they were built from."""

    def __init__(self, records: Iterable[Record], artifacts: SchemaArtifacts):
        self.records = {  # file and record id only, so the records themselves can be freed
            expand(r.id): (r.file, r.id) for r in records if isinstance(r.data.get("id"), str)
        }
        self.slot_names = {s.uri: n for slots in artifacts.slots.values() for n, s in slots.items()}
        self.fragments = {fragment: slot for slot, fragment in FRAGMENTS.items()}

    def problem(self, v: Violation) -> DataProblem:
        """The violation as a located data problem."""
        iri = v.focus.value if isinstance(v.focus, NamedNode) else str(v.focus)
        base, _, fragment = iri.partition("#")
        field = self.slot_names.get(v.path or "", v.path or "")
        if fragment:
            slot, _, index = fragment.rpartition("-")
            parent = self.fragments.get(slot, slot)
            field = f"{parent}[{int(index) - 1}].{field}" if index.isdigit() else field
        file, record = self.records.get(base, ("(built graph)", iri))
        return DataProblem(file, record, field, _message(v))


def shape_problems(triples: Iterable[Triple], shapes: Path, locator: Locator) -> list[DataProblem]:
    """Every SHACL violation as a problem naming file, record and field (at most 50, then a count)."""
    problems = [locator.problem(v) for v in violations(triples, read_shapes(shapes))]
    if len(problems) > MAX_REPORTED:
        more = len(problems) - MAX_REPORTED
        problems = [*problems[:MAX_REPORTED], DataProblem("…", "", "", f"and {more} more")]
    return problems


def check_shapes(triples: Iterable[Triple], shapes: Path, locator: Locator) -> None:
    """Raise :class:`DataInvalid` naming file, record and field of every SHACL violation."""
    problems = shape_problems(triples, shapes, locator)
    if problems:
        raise DataInvalid(problems)
