"""Entities related to an entity: methods under a concept (narrower ones included) and back-links.

An architecture page lists the methods of that architecture and of every narrower one (``skos:
broader*``); an EDAM term page the methods annotated with the term or any of its descendants
(``rdfs:subClassOf*``); every page lists what points at it.
"""

from __future__ import annotations

from kg.namespaces import expand
from server.graph.kgindex import BROADER, RDF_TYPE, SUBCLASS, KGIndex
from server.graph.schemadoc import SchemaDoc
from server.site.entityview import Linker, Section
from server.site.lineage import predicates as lineage_predicates

METHOD = expand("schema:SoftwareApplication")
EDAM_PREDICATES = tuple(
    expand(f"edam:{name}")
    for name in ("has_topic", "has_function", "has_input", "has_output", "has_format")
)
#: Concept class → (predicates linking a method to it, the hierarchy predicate).
CONCEPTS = {
    expand("dlbio:Architecture"): ((expand("dlbio:architecture"),), BROADER),
    expand("dlbio:DataModality"): ((expand("dlbio:dataModality"),), BROADER),
    expand("dlbio:Subfield"): ((expand("dcterms:subject"),), BROADER),
    expand("dlbio:SoftwareFramework"): ((expand("schema:softwareRequirements"),), BROADER),
    expand("owl:Class"): (EDAM_PREDICATES, SUBCLASS),
}
INCOMING_TITLES = {
    expand("schema:citation"): "Methods described in this paper",
    expand("schema:codeRepository"): "Methods with code here",
    expand("skos:inScheme"): "Concepts in this scheme",
    expand("skos:topConceptOf"): "Top concepts",
    expand("dcterms:hasPart"): "Hybrid architectures combining it",
    expand("skos:exactMatch"): "Concepts with the same meaning",
    expand("skos:closeMatch"): "Concepts with a close meaning",
    expand("prov:wasDerivedFrom"): "Records derived from it",
    expand("dcterms:isReplacedBy"): "Former IDs",
    expand("prov:entity"): "Entries placed in the list as this version has them",
}
#: Slot whose subjects point at a version of the list → the title of their section there.
VERSION_TITLES = {
    "previous_version": "Next version",
    "version_of": "Versions",
    "first_listed": "Entries first listed in this version",
    "last_listed": "Entries last listed in this version",
    "read_from": "Method relations read from this version",
}


def concept_rule(index: KGIndex, iri: str) -> tuple[tuple[str, ...], str] | None:
    """How methods attach to ``iri`` if it is a concept (predicates, hierarchy), else None."""
    for cls in sorted(index.types(iri)):
        if cls in CONCEPTS:
            return CONCEPTS[cls]
    return None


def methods_under(index: KGIndex, iri: str) -> dict[str, set[str]]:
    """Methods attached to ``iri`` or a narrower concept → the concepts that attach them."""
    rule = concept_rule(index, iri)
    if rule is None:
        return {}
    predicates, hierarchy = rule
    found: dict[str, set[str]] = {}
    for concept in index.narrower_closure(iri, hierarchy):
        for predicate in predicates:
            for subject in index.subjects(predicate, concept):
                if METHOD in index.types(subject):
                    found.setdefault(subject, set()).add(concept)
    return found


def _method_section(index: KGIndex, linker: Linker, iri: str) -> Section | None:
    found = methods_under(index, iri)
    if not found:
        return None
    items = []
    for method in sorted(found, key=lambda m: index.label(m).casefold()):
        via = sorted(index.label(c) for c in found[method] if c != iri)
        items.append(linker.item(method, note=f"via {', '.join(via)}" if via else ""))
    return Section(f"Methods ({len(items)}, narrower terms included)", items)


def _narrower_section(index: KGIndex, linker: Linker, iri: str) -> Section | None:
    rule = concept_rule(index, iri)
    children = index.subjects(rule[1], iri) if rule else []
    if not children:
        return None
    return Section("Narrower", [linker.item(child) for child in children])


def _skipped(index: KGIndex, schema: SchemaDoc, iri: str) -> set[str]:
    """Incoming predicates that other sections of the page show (methods: the lineage)."""
    rule = concept_rule(index, iri)
    skip = {RDF_TYPE, *(rule[0] if rule else ()), *((rule[1],) if rule else ())}
    if METHOD in index.types(iri):
        skip |= lineage_predicates(schema) | {schema.slot_uri("target")}
    return skip


def _title(schema: SchemaDoc, predicate: str) -> str:
    titles = {schema.slot_uri(n): t for n, t in VERSION_TITLES.items() if n in schema.terms}
    titles.update(INCOMING_TITLES)
    label = schema.label_for(predicate)
    words = label if label.startswith(("EDAM", "DOI", "URL")) else label[:1].lower() + label[1:]
    return titles.get(predicate) or f"Has this as {words}"


def _incoming(index: KGIndex, linker: Linker, schema: SchemaDoc, iri: str) -> list[Section]:
    skip = _skipped(index, schema, iri)
    sections = []
    for predicate, subjects in sorted(index.incoming.get(iri, {}).items()):
        if predicate in skip:
            continue
        owners = sorted({s.split("#", 1)[0] for s in subjects} - {iri})
        if owners:
            items = [linker.item(owner) for owner in owners]
            sections.append(Section(f"{_title(schema, predicate)} ({len(items)})", items))
    return sections


def related(index: KGIndex, linker: Linker, schema: SchemaDoc, iri: str) -> list[Section]:
    """Every related-entities section of the page about ``iri``."""
    sections = [
        _method_section(index, linker, iri),
        _narrower_section(index, linker, iri),
        *_incoming(index, linker, schema, iri),
    ]
    return [section for section in sections if section is not None]
