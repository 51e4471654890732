"""The listing history of a method, review or resource: when the source list first and last
listed it, in how many of its versions, whether it is still listed, and its earlier titles.

Predicates and status values come from the schema's slots and ``ListingStatus`` enum.
"""

from __future__ import annotations

from kg.namespaces import expand
from server.graph.kgindex import KGIndex
from server.graph.schemadoc import SchemaDoc
from server.site.entityview import Item, Linker, Section

SLOTS = ("first_listed", "last_listed", "listing_status", "versions_listed", "list_description",
         "alt_titles")
LIST_VERSION = expand("dlbio:ListVersion")
WITHDRAWN_NOTE = "no longer in the newest version of the list; kept here, not deleted"


def predicates(schema: SchemaDoc) -> set[str]:
    """The predicates shown by the history (hidden from the plain facts)."""
    return {schema.slot_uri(name) for name in SLOTS}


def status(index: KGIndex, schema: SchemaDoc, iri: str) -> str | None:
    """``listed``, ``withdrawn`` or None (an entity without a listing history)."""
    names = schema.values.get("ListingStatus", {})
    found = [names[v] for v in index.iris(iri, schema.slot_uri("listing_status")) if v in names]
    return found[0] if found else None


def _versions(index: KGIndex, linker: Linker, iri: str, predicate: str) -> list[Item]:
    return [linker.item(version) for version in index.iris(iri, predicate)]


def _count(index: KGIndex, schema: SchemaDoc, iri: str) -> list[Item]:
    count = index.literal(iri, schema.slot_uri("versions_listed"))
    total = len(index.instances(LIST_VERSION))
    return [Item(f"{count} of {total} versions" if total else f"{count} versions")] if count else []


def _description(index: KGIndex, schema: SchemaDoc, iri: str) -> list[Item]:
    given = index.literal(iri, schema.slot_uri("list_description"))
    if given is None:
        return []
    return [Item("yes" if given == "true" else "no, only a title and links")]


def history(index: KGIndex, linker: Linker, schema: SchemaDoc, iri: str) -> list[Section]:
    """The rows of the listing history that the data fills (none for unlisted entities)."""
    state = status(index, schema, iri)
    note = WITHDRAWN_NOTE if state == "withdrawn" else ""
    rows = [
        Section("Status", [Item(state, note=note)] if state else []),
        Section("First listed", _versions(index, linker, iri, schema.slot_uri("first_listed"))),
        Section("Last listed", _versions(index, linker, iri, schema.slot_uri("last_listed"))),
        Section("Listed in", _count(index, schema, iri)),
        Section("List gives a description", _description(index, schema, iri)),
        Section("Earlier titles",
                [Item(t) for t in index.literals(iri, schema.slot_uri("alt_titles"))]),
    ]
    return [row for row in rows if row.items]
