"""An in-memory index of the served KG for the linked-data pages: triples by subject and object.

The KG is immutable between builds, so the index is built once per app and KG version from the
store (a few thousand triples take milliseconds) and every page reads it without SPARQL.

>>> index = KGIndex.from_triples([])
>>> index.label("https://w3id.org/dlbio/method/x")
'method:x'
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import current_app

from kg.namespaces import compact, expand
from server.graph.store import get_kg

RDF_TYPE = expand("rdf:type")
LABEL = expand("rdfs:label")
TITLE = expand("dcterms:title")
REPLACED_BY = expand("dcterms:isReplacedBy")
BROADER = expand("skos:broader")
SUBCLASS = expand("rdfs:subClassOf")
GITHUB = expand("dlbio:githubRepository")
URL = expand("schema:url")
DESCRIPTION = expand("dcterms:description")
LINK = expand("dlbio:link")
ISSUED = expand("dcterms:issued")
Term = ox.NamedNode | ox.Literal | ox.BlankNode


@dataclass
class KGIndex:
    """Outgoing and incoming edges per node, plus the triples of each entity document."""

    version: str = ""
    out: dict[str, dict[str, list[Term]]] = field(default_factory=dict)
    incoming: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    documents: dict[str, list[ox.Triple]] = field(default_factory=dict)
    memo: dict[tuple[str, ...], object] = field(default_factory=dict, repr=False)

    @classmethod
    def from_triples(cls, triples: Iterable[ox.Triple], version: str = "") -> KGIndex:
        """Index ``triples``; an IRI's document also holds its ``#fragment`` nodes' triples."""
        out: dict = defaultdict(lambda: defaultdict(list))
        incoming: dict = defaultdict(lambda: defaultdict(list))
        documents: dict = defaultdict(list)
        for triple in triples:
            subject = triple.subject.value
            out[subject][triple.predicate.value].append(triple.object)
            if isinstance(triple.object, ox.NamedNode):
                incoming[triple.object.value][triple.predicate.value].append(subject)
            documents[subject.split("#", 1)[0]].append(triple)
        return cls(version, _freeze(out), _freeze(incoming), dict(documents))

    def values(self, subject: str, predicate: str) -> list[Term]:
        """Objects of ``subject predicate ?o`` in store order."""
        return self.out.get(subject, {}).get(predicate, [])

    def iris(self, subject: str, predicate: str) -> list[str]:
        """IRI objects of ``subject predicate ?o``, sorted."""
        return sorted(o.value for o in self.values(subject, predicate) if _is_iri(o))

    def literal(self, subject: str, predicate: str) -> str | None:
        """The first literal object of ``subject predicate ?o`` (sorted), if any."""
        found = sorted(o.value for o in self.values(subject, predicate) if not _is_iri(o))
        return found[0] if found else None

    def literals(self, subject: str, predicate: str) -> list[str]:
        """All literal objects of ``subject predicate ?o``, sorted."""
        return sorted(o.value for o in self.values(subject, predicate) if not _is_iri(o))

    def subjects(self, predicate: str, obj: str) -> list[str]:
        """Subjects of ``?s predicate obj``, sorted."""
        return sorted(self.incoming.get(obj, {}).get(predicate, []))

    def objects(self, predicate: str) -> set[str]:
        """Every IRI that is an object of ``predicate`` somewhere in the KG."""
        return {obj for obj, by in self.incoming.items() if predicate in by}

    def types(self, subject: str) -> set[str]:
        """The rdf:type IRIs of ``subject``."""
        return set(self.iris(subject, RDF_TYPE))

    def label(self, iri: str) -> str:
        """rdfs:label, else dcterms:title, else a GitHub name or URL, else the compact IRI."""
        key = ("label", iri)
        if key not in self.memo:
            self.memo[key] = self._label(iri)
        return self.memo[key]  # type: ignore[return-value]

    def _label(self, iri: str) -> str:
        for predicate in (LABEL, TITLE, GITHUB):
            found = self.literal(iri, predicate)
            if found:
                return found
        urls = self.iris(iri, URL)
        if urls:
            return urls[0]
        issued = self.literal(iri, ISSUED)  # a version of the list: its ID and date
        return f"{compact(iri).replace(':', ' ', 1)} ({issued[:10]})" if issued else compact(iri)

    def exists(self, iri: str) -> bool:
        """Whether the KG says anything about ``iri`` as a subject."""
        return iri in self.out

    def instances(self, type_iri: str) -> list[str]:
        """Current (not replaced) instances of a class, sorted by label."""
        key = ("instances", type_iri)
        if key not in self.memo:
            self.memo[key] = self._instances(type_iri)
        return list(self.memo[key])  # type: ignore[call-overload]

    def _instances(self, type_iri: str) -> list[str]:
        found = [s for s in self.subjects(RDF_TYPE, type_iri) if not self.values(s, REPLACED_BY)]
        return sorted(found, key=lambda s: (self.label(s).casefold(), s))

    def narrower_closure(self, iri: str, predicate: str = BROADER) -> frozenset[str]:
        """``iri`` and everything below it along ``predicate`` (skos:broader, rdfs:subClassOf)."""
        return self._closure(iri, predicate, down=True)

    def broader_closure(self, iri: str, predicate: str = BROADER) -> frozenset[str]:
        """``iri`` and everything above it along ``predicate``."""
        return self._closure(iri, predicate, down=False)

    def _closure(self, iri: str, predicate: str, down: bool) -> frozenset[str]:
        key = ("down" if down else "up", iri, predicate)
        if key not in self.memo:
            step = self.subjects if down else (lambda p, node: self.iris(node, p))
            seen, todo = {iri}, [iri]
            while todo:
                for other in step(predicate, todo.pop()):
                    if other not in seen:
                        seen.add(other)
                        todo.append(other)
            self.memo[key] = frozenset(seen)
        return self.memo[key]  # type: ignore[return-value]

    def document(self, iri: str) -> list[ox.Triple]:
        """The triples served for ``iri``: its own and those of its ``#fragment`` nodes."""
        return self.documents.get(iri, [])


def _is_iri(term: Term) -> bool:
    return isinstance(term, ox.NamedNode)


def _freeze(table: dict) -> dict:
    return {key: dict(inner) for key, inner in table.items()}


_LOCK = threading.Lock()


def get_index() -> KGIndex:
    """The index of the current app's KG, built on first use and rebuilt if the KG changed."""
    kg = get_kg()
    index = current_app.extensions.get("dlbio_ld_index")
    if index is None or index.version != kg.version:
        with _LOCK:
            quads = kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
            index = KGIndex.from_triples((q.triple for q in quads), kg.version)
            current_app.extensions["dlbio_ld_index"] = index
    return index
