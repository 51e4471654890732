"""Definitions of the schema namespace ``https://w3id.org/dlbio/schema/``, from the served release.

The build documents the LinkML schema into the release (``schemadoc.json``, written by
``kg.release_docs`` from LinkML's SchemaView); this module indexes that file. Every class, slot,
enum and type resolves under the namespace by its name; a slot whose ``slot_uri`` is in the
namespace under another name (``dlbio:dataModality`` for ``modalities``) resolves by that name too.
Each definition is offered as HTML or as RDF (OWL/RDFS with SKOS definitions). Served ``--load``
files have no release: the documentation is then empty.

>>> doc = SchemaDoc.from_json({"id": "x", "terms": [
...     {"name": "A", "kind": "class", "description": "An A.", "uri": "x/A"}]})
>>> doc.terms["A"].description
'An A.'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.namespaces import SCHEMA_NS, expand
from kg.release_docs import SCHEMA_DOC, read_release_doc
from server.graph.store import get_kg

RDF_KIND = {
    "class": "owl:Class",
    "slot": "rdf:Property",
    "enum": "owl:Class",
    "type": "rdfs:Datatype",
}


@dataclass(frozen=True)
class Definition:
    """One class, slot, enum or type of the schema."""

    name: str
    kind: str
    description: str
    uri: str  # the IRI the data uses (class_uri / slot_uri), expanded
    parent: str | None = None
    range: str | None = None
    mappings: tuple[tuple[str, str], ...] = ()  # (skos:exactMatch or skos:broadMatch, IRI)
    members: tuple[str, ...] = ()  # slots of a class, values of an enum, classes using a slot
    pattern: str | None = None


@dataclass
class SchemaDoc:
    """The schema's header and its definitions by name and by data IRI."""

    id: str
    title: str
    description: str
    version: str
    license: str
    terms: dict[str, Definition] = field(default_factory=dict)
    by_uri: dict[str, Definition] = field(default_factory=dict)
    meanings: dict[str, str] = field(default_factory=dict)  # enum value meaning IRI → description
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # enum → {meaning IRI: value}

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> SchemaDoc:
        """Index the schema documentation the build wrote (``kg.release_docs``)."""
        doc = cls(
            document["id"],
            document.get("title", ""),
            document.get("description", ""),
            document.get("version", ""),
            document.get("license", ""),
            meanings=dict(document.get("meanings", {})),
            values={name: dict(found) for name, found in document.get("values", {}).items()},
        )
        for term in document.get("terms", []):
            definition = Definition(
                name=term["name"],
                kind=term["kind"],
                description=term.get("description", ""),
                uri=term["uri"],
                parent=term.get("parent"),
                range=term.get("range"),
                mappings=tuple((kind, iri) for kind, iri in term.get("mappings", [])),
                members=tuple(term.get("members", [])),
                pattern=term.get("pattern"),
            )
            doc.terms[definition.name] = definition
            doc.by_uri.setdefault(definition.uri, definition)
        for definition in list(doc.terms.values()):
            if definition.uri.startswith(SCHEMA_NS):
                doc.terms.setdefault(definition.uri[len(SCHEMA_NS) :], definition)
        return doc

    def slot_uri(self, name: str) -> str:
        """The predicate IRI of the slot ``name`` (``first_listed`` → ``dlbio:firstListedIn``);
        an undocumented slot is taken to be ``dlbio:{name}``."""
        definition = self.terms.get(name)
        return definition.uri if definition else SCHEMA_NS + name

    def parent(self, name: str) -> str | None:
        """The ``is_a`` of the definition ``name`` (None when it has none or is unknown)."""
        definition = self.terms.get(name)
        return definition.parent if definition else None

    def label_for(self, iri: str) -> str:
        """A human label, in sentence case, for a data predicate or class IRI.

        >>> SchemaDoc("x", "", "", "", "").label_for("https://w3id.org/dlbio/schema/edam_inputs")
        'EDAM inputs'
        """
        definition = self.by_uri.get(iri)
        return slot_label(definition.name if definition else iri.rsplit("/", 1)[-1])


#: Slot names whose words alone would not read well on a page.
LABELS = {
    "modalities": "Data modalities",
    "frameworks": "Software frameworks",
    "paper": "Paper",
    "source": "Source list",
    "pmid": "PubMed ID",
    "doi": "DOI",
    "arxiv": "arXiv ID",
    "github": "GitHub repository",
    "url": "URL",
    "inferred": "Inferred facts",
    "list_description": "List gives a description",
    "versions_listed": "Versions listing it",
    "alt_names": "Other names",
    "alt_titles": "Other titles",
    "subclass_of": "Subclass of",
    "date_source": "Date from",
}


def slot_label(name: str) -> str:
    """``edam_inputs`` → ``EDAM inputs``; ``code_repositories`` → ``Code repositories``.

    >>> slot_label("code_repositories"), slot_label("modalities")
    ('Code repositories', 'Data modalities')
    """
    if name in LABELS:
        return LABELS[name]
    words = name.replace("_", " ").replace("edam ", "EDAM ")
    return words[:1].upper() + words[1:]


#: What a server without a release (``--load`` files) documents: nothing.
EMPTY = SchemaDoc(SCHEMA_NS, "", "", "", "")


def read_schema_doc(release: str | Path | None) -> SchemaDoc:
    """The schema documentation of a release folder; empty without one (or without the file)."""
    return read_release_doc(release, SCHEMA_DOC, SchemaDoc.from_json) or EMPTY


def get_schema_doc() -> SchemaDoc:
    """The schema documentation of the release the current request serves."""
    return read_schema_doc(get_kg().release)


def _node(doc: SchemaDoc, name: str) -> ox.NamedNode:
    return ox.NamedNode(SCHEMA_NS + name if name in doc.terms else expand(name))


def term_triples(doc: SchemaDoc, local: str) -> list[ox.Triple]:
    """RDF description of the schema term named ``local`` (its IRI is ``SCHEMA_NS + local``)."""
    definition = doc.terms[local]
    subject = ox.NamedNode(SCHEMA_NS + local)

    def triple(predicate: str, obj: ox.NamedNode | ox.Literal) -> ox.Triple:
        return ox.Triple(subject, ox.NamedNode(expand(predicate)), obj)

    triples = [
        triple("rdf:type", ox.NamedNode(expand(RDF_KIND[definition.kind]))),
        triple("rdfs:label", ox.Literal(definition.name)),
        triple("rdfs:isDefinedBy", ox.NamedNode(doc.id)),
        triple("skos:definition", ox.Literal(definition.description)),
    ]
    if definition.uri != subject.value:
        same = "owl:equivalentProperty" if definition.kind == "slot" else "owl:equivalentClass"
        triples.append(triple(same, ox.NamedNode(definition.uri)))
    if definition.parent and definition.kind == "class":
        triples.append(triple("rdfs:subClassOf", _node(doc, definition.parent)))
    if definition.range and definition.range in doc.terms:
        triples.append(triple("rdfs:range", _node(doc, definition.range)))
    triples += [triple(pred, ox.NamedNode(iri)) for pred, iri in definition.mappings]
    return triples


def schema_triples(doc: SchemaDoc) -> list[ox.Triple]:
    """The schema as an ontology: its header (the fields it has) and every term's description."""
    subject = ox.NamedNode(doc.id)
    fields = [
        ("dcterms:title", doc.title and ox.Literal(doc.title)),
        ("dcterms:description", doc.description and ox.Literal(doc.description)),
        ("owl:versionInfo", doc.version and ox.Literal(doc.version)),
        ("dcterms:license", doc.license and ox.NamedNode(doc.license)),
    ]
    header = [ox.Triple(subject, ox.NamedNode(expand("rdf:type")), ox.NamedNode(expand("owl:Ontology")))]
    header += [ox.Triple(subject, ox.NamedNode(expand(p)), o) for p, o in fields if o]
    return header + [t for local in sorted(doc.terms) for t in term_triples(doc, local)]
