"""What an entity page shows: its facts, its links out, and the entities related to it.

Everything comes from the KG index; a link out is shown only where a fact supports it (a DOI,
an arXiv or GitHub identifier, a link the list gives, a registry record with its evidence).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.namespaces import EDAM, expand
from server.graph.kgindex import (
    DESCRIPTION,
    LABEL,
    LINK,
    RDF_TYPE,
    REPLACED_BY,
    TITLE,
    URL,
    KGIndex,
)
from server.graph.prefixes import expand_external
from server.graph.schemadoc import SchemaDoc

EDAM_BROWSER = "https://edamontology.github.io/edam-browser/#"
SEE_ALSO = expand("rdfs:seeAlso")
LISTING = expand("prov:qualifiedDerivation")
CITATION = expand("schema:citation")
CODE = expand("schema:codeRepository")
#: Literal identifiers → the Bioregistry prefix that makes them links.
IDENTIFIERS = {
    expand("bibo:doi"): ("doi", "DOI"),
    expand("fabio:hasArXivId"): ("arxiv", "arXiv"),
    expand("fabio:hasPubMedId"): ("pubmed", "PubMed"),
    expand("dlbio:githubRepository"): ("github", "GitHub"),
}
HIDDEN = {RDF_TYPE, LABEL, DESCRIPTION, LINK, SEE_ALSO, LISTING, TITLE}


@dataclass
class Item:
    """A value on a page: text, an optional link, optional small extra links."""

    text: str
    href: str | None = None
    external: bool = False
    extra: list[Item] = field(default_factory=list)
    note: str = ""


@dataclass
class Section:
    """A titled list of items; ``inferred`` marks facts the curators inferred (not in the list)."""

    title: str
    items: list[Item]
    inferred: bool = False


class Linker:
    """Turns IRIs into page items: ours link to our pages, EDAM terms also to the EDAM browser."""

    def __init__(self, index: KGIndex, base: str) -> None:
        self.index, self.base = index, base

    def path(self, iri: str) -> str | None:
        """The local page path of an IRI we serve, else None."""
        if iri.startswith(self.base):
            return "/" + iri[len(self.base) :]
        if iri.startswith(EDAM):
            return "/edam/" + iri[len(EDAM) :]
        return None

    def item(self, iri: str, note: str = "") -> Item:
        """An item for an IRI value."""
        local = self.path(iri) if self.index.exists(iri) else None
        if iri.startswith(EDAM):
            code = iri[len(EDAM) :]
            browser = Item("EDAM browser", EDAM_BROWSER + code, external=True)
            return Item(f"{self.index.label(iri)} ({code})", local, extra=[browser], note=note)
        if local:
            return Item(self.index.label(iri), local, note=note)
        return Item(self.index.label(iri), iri, external=True, note=note)

    def value(self, predicate: str, term: ox.NamedNode | ox.Literal | ox.BlankNode) -> Item:
        """An item for any object of ``predicate``."""
        if isinstance(term, ox.NamedNode):
            return self.item(term.value)
        if predicate in IDENTIFIERS:
            prefix, _ = IDENTIFIERS[predicate]
            return Item(term.value, expand_external(prefix, term.value), external=True)
        return Item(term.value)


def facts(index: KGIndex, linker: Linker, schema: SchemaDoc, iri: str,
          hidden: frozenset[str] = frozenset()) -> list[Section]:
    """The entity's own statements, one row per predicate, labelled in words from the schema.

    ``hidden`` names predicates that the page shows in a section of their own. The rows of the
    slots that the record's ``inferred`` names are marked (that list is not a row itself).
    """
    inferred = inferred_predicates(index, schema, iri)
    skip = HIDDEN | hidden | {schema.slot_uri("inferred")}
    rows = []
    for predicate, objects in index.out.get(iri, {}).items():
        if predicate in skip:
            continue
        items = [linker.value(predicate, term) for term in objects]
        rows.append(Section(schema.label_for(predicate), sorted(items, key=lambda i: i.text),
                            predicate in inferred))
    return sorted(rows, key=lambda row: row.title.casefold())


def inferred_predicates(index: KGIndex, schema: SchemaDoc, iri: str) -> set[str]:
    """Predicates of the slots whose values the curators inferred (``dlbio:inferredProperty``)."""
    names = index.literals(iri, schema.slot_uri("inferred"))
    return {schema.slot_uri(name) for name in names if name in schema.terms}


def _link_nodes(index: KGIndex, iri: str) -> list[Item]:
    items = []
    for node in index.iris(iri, LINK):
        url = index.iris(node, URL)
        kind = index.literal(node, expand("dcterms:type")) or "link"
        label = index.literal(node, expand("schema:name")) or kind
        if url:
            text = label if label != kind else url[0].split("://", 1)[-1].rstrip("/")
            items.append(Item(text, url[0], external=True, note=kind.replace("_", " ")))
    return items


def _registry_records(index: KGIndex, schema: SchemaDoc, iri: str) -> list[Item]:
    items = []
    for node in index.iris(iri, SEE_ALSO):
        publisher = index.iris(node, expand("dcterms:publisher"))
        registry = schema.meanings.get(publisher[0], "").split(",")[0] if publisher else "record"
        identifier = index.literal(node, expand("dcterms:identifier")) or ""
        url = index.iris(node, URL)
        note = index.literal(node, expand("dcterms:source")) or ""
        items.append(Item(f"{registry}: {identifier}", url[0] if url else None, True, note=note))
    return items


def _identifiers(index: KGIndex, iri: str) -> list[Item]:
    items = []
    for predicate, (prefix, name) in IDENTIFIERS.items():
        for value in index.literals(iri, predicate):
            items.append(Item(f"{name} {value}", expand_external(prefix, value), external=True))
    return items


def links_out(index: KGIndex, schema: SchemaDoc, iri: str) -> list[Item]:
    """DOI, arXiv, PubMed, GitHub, the list's links and registry records of the entity.

    A method also shows its paper's identifiers and its repositories' GitHub links.
    """
    items = _identifiers(index, iri)
    for paper in index.iris(iri, CITATION):
        items += _identifiers(index, paper)
    for repository in index.iris(iri, CODE):
        items += _identifiers(index, repository) or [
            Item(url, url, external=True, note="code") for url in index.iris(repository, URL)
        ]
    if expand("schema:SoftwareSourceCode") in index.types(iri):
        items += [Item(url, url, external=True, note="repository") for url in index.iris(iri, URL)]
    return once(items + _link_nodes(index, iri) + _registry_records(index, schema, iri))


def once(items: list[Item]) -> list[Item]:
    """``items`` without those whose link an earlier item already gives (each link shown once)."""
    seen: set[str] = set()
    kept = []
    for item in items:
        key = (item.href or "").rstrip("/")
        if item.href and key in seen:
            continue
        seen.add(key)
        kept.append(item)
    return kept


def listings(index: KGIndex, linker: Linker, iri: str) -> list[Item]:
    """Where the entry stands in the source list, and in which version of it."""
    items = []
    for node in index.iris(iri, LISTING):
        path = index.literal(node, expand("dlbio:listSectionPath")) or ""
        position = index.literal(node, expand("dlbio:listPosition")) or "?"
        versions = [linker.item(v) for v in index.iris(node, expand("prov:entity"))]
        items.append(Item(f"{path}, entry {position}", extra=versions[:1]))
    return items


def successor(index: KGIndex, iri: str) -> str | None:
    """The IRI that replaces a renamed or merged record, if the data names one."""
    found = index.iris(iri, REPLACED_BY)
    return found[0] if found else None
