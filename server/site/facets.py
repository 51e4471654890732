"""Faceted filtering of methods and text search, over the KG index.

A facet value selects the methods annotated with it or with anything narrower (architectures,
modalities and subfields along ``skos:broader``, EDAM topics along ``rdfs:subClassOf``); the year
(of the paper, or ``listed``: of first listing), has-code, lineage and listing-status facets select
by one value. Facets combine with AND; the counts beside
each value are over the current selection.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kg.namespaces import EDAM, expand
from server.graph.kgindex import BROADER, DESCRIPTION, ISSUED, SUBCLASS, KGIndex
from server.graph.schemadoc import SchemaDoc
from server.site.history import status
from server.site.related import METHOD

TEXT_PREDICATES = (expand("rdfs:label"), expand("skos:altLabel"), expand("dcterms:title"))


@dataclass(frozen=True)
class Facet:
    """A method property one can filter on: its URL parameter, label, predicate and hierarchy."""

    param: str
    label: str
    predicate: str
    hierarchy: str | None
    segment: str  # IRI path segment of its values ("" for EDAM terms)


FACETS = (
    Facet("subfield", "Subfield", expand("dcterms:subject"), BROADER, "subfield"),
    Facet("architecture", "Architecture", expand("dlbio:architecture"), BROADER, "architecture"),
    Facet("modality", "Data modality", expand("dlbio:dataModality"), BROADER, "modality"),
    Facet("framework", "Framework", expand("schema:softwareRequirements"), None, "framework"),
    Facet("topic", "EDAM topic", expand("edam:has_topic"), SUBCLASS, ""),
)


@dataclass(frozen=True)
class FacetValue:
    """One selectable value: its parameter value, label and the number of matching methods."""

    value: str
    label: str
    count: int
    selected: bool


def value_iri(facet: Facet, value: str, base: str) -> str:
    """``architecture`` + ``rnn`` → ``{base}architecture/rnn``; ``topic`` + ``topic_0749`` → EDAM."""
    return EDAM + value if not facet.segment else f"{base}{facet.segment}/{value}"


def param_value(facet: Facet, iri: str, base: str) -> str:
    """The inverse of ``value_iri``."""
    return iri[len(EDAM) :] if not facet.segment else iri[len(f"{base}{facet.segment}/") :]


def method_year(index: KGIndex, method: str) -> str | None:
    """The year of the method's paper, where the data gives its date."""
    for paper in index.iris(method, expand("schema:citation")):
        date = index.literal(paper, expand("dcterms:date"))
        if date:
            return date[:4]
    return None


def listed_year(index: KGIndex, schema: SchemaDoc, method: str) -> str | None:
    """The year of the list version that first listed the method."""
    for version in index.iris(method, schema.slot_uri("first_listed")):
        date = index.literal(version, ISSUED)
        if date:
            return date[:4]
    return None


def in_lineage(index: KGIndex, schema: SchemaDoc, method: str) -> bool:
    """Whether the method is related to another one (either way): it is in the lineage graph."""
    related = schema.slot_uri("related_to")
    return bool(index.iris(method, related) or index.subjects(related, method))


def has_code(index: KGIndex, method: str) -> bool:
    """Whether the data names a code repository for the method."""
    return bool(index.iris(method, expand("schema:codeRepository")))


def _matches(index: KGIndex, facet: Facet, method: str, accepted: set[str]) -> bool:
    return any(value in accepted for value in index.iris(method, facet.predicate))


def _accepted(index: KGIndex, facet: Facet, iri: str) -> set[str]:
    return index.narrower_closure(iri, facet.hierarchy) if facet.hierarchy else {iri}


def text_matches(index: KGIndex, iri: str, query: str) -> int:
    """0 if some word of ``query`` is in neither names nor description; 2 if all are in names."""
    words = re.findall(r"\w+", query.casefold())
    names = " ".join(v for p in TEXT_PREDICATES for v in index.literals(iri, p)).casefold()
    text = names + " " + " ".join(index.literals(iri, DESCRIPTION)).casefold()
    if not words or not all(word in text for word in words):
        return 0
    return 2 if all(word in names for word in words) else 1


def select(index: KGIndex, params: Mapping[str, list[str]], base: str,
           schema: SchemaDoc) -> list[str]:
    """Methods matching every selected facet value, year, has-code, status and the text query."""
    methods = index.instances(METHOD)
    for facet in FACETS:
        for value in params.get(facet.param, []):
            accepted = _accepted(index, facet, value_iri(facet, value, base))
            methods = [m for m in methods if _matches(index, facet, m, accepted)]
    for year in params.get("year", []):
        methods = [m for m in methods if method_year(index, m) == year]
    for year in params.get("listed", []):
        methods = [m for m in methods if listed_year(index, schema, m) == year]
    if params.get("lineage") == ["yes"]:
        methods = [m for m in methods if in_lineage(index, schema, m)]
    if params.get("code") in (["yes"], ["no"]):
        wanted = params["code"] == ["yes"]
        methods = [m for m in methods if has_code(index, m) == wanted]
    for state in params.get("status", []):
        methods = [m for m in methods if status(index, schema, m) == state]
    query = " ".join(params.get("q", [])).strip()
    if query:
        methods = [m for m in methods if text_matches(index, m, query)]
    return methods


def facet_values(index: KGIndex, facet: Facet, methods: list[str], params: Mapping[str, list[str]],
                 base: str) -> list[FacetValue]:
    """Values of ``facet`` present among ``methods`` (broader ones too), with counts."""
    counts: dict[str, int] = {}
    for method in methods:
        reached: set[str] = set()
        for value in index.iris(method, facet.predicate):
            reached |= index.broader_closure(value, facet.hierarchy) if facet.hierarchy else {value}
        for value in reached:
            counts[value] = counts.get(value, 0) + 1
    selected = set(params.get(facet.param, []))
    values = [
        FacetValue(param_value(facet, iri, base), index.label(iri), n,
                   param_value(facet, iri, base) in selected)
        for iri, n in counts.items()
        if iri.startswith(EDAM if not facet.segment else base)
    ]
    return sorted(values, key=lambda v: (-v.count, v.label.casefold()))


def _counts(values: Iterable[str | None]) -> dict[str, int]:
    """How often each value occurs (None, a method without one, left out)."""
    return Counter(value for value in values if value)


def year_values(index: KGIndex, methods: list[str]) -> list[tuple[str, int]]:
    """(year, count) among ``methods``, newest first."""
    return sorted(_counts(method_year(index, m) for m in methods).items(), reverse=True)


def listed_values(index: KGIndex, schema: SchemaDoc, methods: list[str]) -> list[tuple[str, int]]:
    """(year of first listing, count) among ``methods``, newest first."""
    counts = _counts(listed_year(index, schema, m) for m in methods)
    return sorted(counts.items(), reverse=True)


def status_values(index: KGIndex, schema: SchemaDoc, methods: list[str]) -> list[tuple[str, int]]:
    """(listing status, count) among ``methods``, most frequent first."""
    counts = _counts(status(index, schema, m) for m in methods)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def search(index: KGIndex, query: str, base: str) -> list[tuple[str, int]]:
    """Entities (not fragment nodes) whose names or description contain every word of ``query``."""
    hits = []
    for iri in index.out:
        if "#" in iri or not (iri.startswith(base) or iri.startswith(EDAM)):
            continue
        score = text_matches(index, iri, query)
        if score:
            hits.append((iri, score))
    return sorted(hits, key=lambda hit: (-hit[1], index.label(hit[0]).casefold()))
