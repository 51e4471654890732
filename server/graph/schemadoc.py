"""Definitions of the schema namespace ``https://w3id.org/dlbio/schema/``, read from the LinkML file.

Every class, slot, enum and type of ``schema/dlbio.yaml`` resolves under the namespace by its name;
a slot whose ``slot_uri`` is in the namespace under another name (``dlbio:dataModality`` for
``modalities``) resolves by that name too. Each definition is offered as HTML or as RDF (OWL/RDFS
with SKOS definitions).

>>> doc = SchemaDoc.from_yaml({"id": "x", "classes": {"A": {"description": "An A."}}})
>>> doc.terms["A"].description
'An A.'
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from kg.namespaces import SCHEMA_NS, expand
from kg.paths import default_paths

KINDS = {"classes": "class", "slots": "slot", "enums": "enum", "types": "type"}
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
    def from_yaml(cls, schema: dict[str, Any]) -> SchemaDoc:
        """Index a parsed LinkML schema document."""
        doc = cls(
            schema["id"],
            schema.get("title", schema.get("name", "")),
            " ".join(str(schema.get("description", "")).split()),
            str(schema.get("version", "")),
            schema.get("license", ""),
        )
        users = _slot_users(schema.get("classes") or {})
        for section, kind in KINDS.items():
            for name, body in (schema.get(section) or {}).items():
                definition = _definition(name, kind, body or {}, users.get(name, ()))
                doc.terms[name] = definition
                doc.by_uri.setdefault(definition.uri, definition)
        for enum_name, enum in (schema.get("enums") or {}).items():
            for name, value in ((enum or {}).get("permissible_values") or {}).items():
                if value and value.get("meaning"):
                    doc.meanings[expand(value["meaning"])] = str(value.get("description", ""))
                    doc.values.setdefault(enum_name, {})[expand(value["meaning"])] = name
        for definition in list(doc.terms.values()):
            if definition.uri.startswith(SCHEMA_NS):
                doc.terms.setdefault(definition.uri[len(SCHEMA_NS) :], definition)
        return doc

    def slot_uri(self, name: str) -> str:
        """The predicate IRI of the slot ``name`` (``first_listed`` → ``dlbio:firstListedIn``)."""
        return self.terms[name].uri

    def label_for(self, iri: str) -> str:
        """A human label, in sentence case, for a data predicate or class IRI.

        >>> SchemaDoc.from_yaml({"id": "x", "slots": {"edam_inputs": {}}}).label_for(
        ...     "https://w3id.org/dlbio/schema/edam_inputs")
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


def _slot_users(classes: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    users: dict[str, list[str]] = {}
    for cls, body in classes.items():
        for slot in (body or {}).get("slots", []):
            users.setdefault(slot, []).append(cls)
    return {slot: tuple(sorted(names)) for slot, names in users.items()}


def _definition(name: str, kind: str, body: dict[str, Any], users: tuple[str, ...]) -> Definition:
    uri_key = {"class": "class_uri", "slot": "slot_uri"}.get(kind, "uri")
    uri = expand(body.get(uri_key) or f"dlbio:{name}")
    if kind == "class":
        members = tuple(body.get("slots", []))
    elif kind == "enum":
        members = tuple(body.get("permissible_values") or {})
    else:
        members = users
    mappings = tuple(
        (f"skos:{kind_}Match", expand(m))
        for kind_ in ("exact", "broad")
        for m in body.get(f"{kind_}_mappings", [])
    )
    return Definition(
        name=name,
        kind=kind,
        description=" ".join(str(body.get("description", "")).split()),
        uri=uri,
        parent=body.get("is_a") or body.get("typeof"),
        range=body.get("range"),
        mappings=mappings,
        members=members,
        pattern=body.get("pattern"),
    )


@functools.cache
def _load(path: str, mtime: float) -> SchemaDoc:
    return SchemaDoc.from_yaml(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


def get_schema_doc(path: Path | None = None) -> SchemaDoc:
    """The project's schema (``DLBIO_SCHEMA`` or ``schema/dlbio.yaml``), re-read when it changes."""
    path = path or default_paths().schema
    return _load(str(path), path.stat().st_mtime)


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
    """The schema as an ontology: its header and every term's description."""
    subject = ox.NamedNode(doc.id)
    header = [
        ox.Triple(subject, ox.NamedNode(expand("rdf:type")), ox.NamedNode(expand("owl:Ontology"))),
        ox.Triple(subject, ox.NamedNode(expand("dcterms:title")), ox.Literal(doc.title)),
        ox.Triple(subject, ox.NamedNode(expand("dcterms:description")), ox.Literal(doc.description)),
        ox.Triple(subject, ox.NamedNode(expand("owl:versionInfo")), ox.Literal(doc.version)),
        ox.Triple(subject, ox.NamedNode(expand("dcterms:license")), ox.NamedNode(doc.license)),
    ]
    return header + [t for local in sorted(doc.terms) for t in term_triples(doc, local)]
