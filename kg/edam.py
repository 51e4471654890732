"""The pinned EDAM release, as shipped by the ``edam-ontology`` package.

EDAM is read once from the package's TSV; nothing is fetched. A term is addressed by its CURIE
(``edam:topic_3170``) and knows its label, branch, obsolescence and direct parents.
"""

from __future__ import annotations

import csv
import functools
import sys
from collections.abc import Iterable
from dataclasses import dataclass

import edam_ontology
from edam_ontology.streams import tabular_stream

from kg.namespaces import EDAM

EDAM_VERSION = edam_ontology.__version__
BRANCHES = ("topic", "operation", "data", "format")


@dataclass(frozen=True)
class EdamTerm:
    """One EDAM class: CURIE, preferred label, branch, obsolete flag and direct EDAM parents."""

    curie: str
    label: str
    obsolete: bool
    parents: tuple[str, ...]

    @property
    def branch(self) -> str:
        """The EDAM sub-ontology: topic, operation, data or format."""
        return self.curie.split(":", 1)[1].split("_", 1)[0]

    @property
    def iri(self) -> str:
        """The term's full IRI."""
        return EDAM + self.curie.split(":", 1)[1]


def _curie(iri: str) -> str | None:
    return "edam:" + iri[len(EDAM) :] if iri.startswith(EDAM) else None


def _parse_row(row: dict[str, str]) -> EdamTerm | None:
    curie = _curie(row["Class ID"])
    if curie is None or curie.split(":")[1].split("_")[0] not in BRANCHES:
        return None
    parents = tuple(p for p in (_curie(x) for x in row["Parents"].split("|")) if p)
    return EdamTerm(curie, row["Preferred Label"], row["Obsolete"] == "TRUE", parents)


@functools.cache
def load_edam() -> dict[str, EdamTerm]:
    """Return every EDAM term of the pinned release, keyed by CURIE."""
    csv.field_size_limit(sys.maxsize)
    with tabular_stream() as stream:
        terms = (_parse_row(row) for row in csv.DictReader(stream, delimiter="\t"))
        return {term.curie: term for term in terms if term is not None}


def ancestry(curies: Iterable[str]) -> dict[str, EdamTerm]:
    """Return the given terms and all their EDAM ancestors (transitive parents), by CURIE."""
    edam = load_edam()
    seen: dict[str, EdamTerm] = {}
    stack = [c for c in curies if c in edam]
    while stack:
        curie = stack.pop()
        if curie in seen:
            continue
        seen[curie] = edam[curie]
        stack.extend(p for p in edam[curie].parents if p in edam and p not in seen)
    return seen
