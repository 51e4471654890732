"""The JSON-LD dump in compacted form, and the ``@context`` it is compacted with.

The context is the project's prefixes (``kg.namespaces.PREFIXES``, plus ``spex``), published at
``https://w3id.org/dlbio/context.jsonld`` and embedded in the dump as it is published there, so
that parsers without network access (pyoxigraph has no remote-context loader) read the dump as it
is. Node objects come in the order of the (sorted) triples, keys are compact IRIs
(``rdfs:label``), plain strings stay plain strings, and a key with one value holds it bare, so the
same triples always give the same bytes.

>>> from pyoxigraph import Literal, NamedNode, Triple
>>> label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
>>> compact_document([Triple(NamedNode(BASE + "method/x"), label, Literal("X"))])["@graph"]
[{'@id': 'method:x', 'rdfs:label': 'X'}]
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import groupby
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg.namespaces import BASE, PREFIXES

CONTEXT_IRI = BASE + "context.jsonld"
RDF_TYPE = PREFIXES["rdf"] + "type"
XSD_STRING = PREFIXES["xsd"] + "string"
LANG_STRING = PREFIXES["rdf"] + "langString"


@cache
def context_prefixes() -> dict[str, str]:
    """The context's prefixes: the project's, plus ``spex``, which only the example queries use."""
    from kg.examples import SPEX  # kg.examples imports kg.dumps, which imports this module

    return dict(sorted({**PREFIXES, "spex": SPEX}.items()))


def context() -> dict[str, Any]:
    """The context document served at :data:`CONTEXT_IRI`."""
    return {"@context": context_prefixes()}


@cache
def _namespaces() -> re.Pattern[str]:
    """The context's namespaces, longest first, so the first match is the longest prefix."""
    spaces = sorted(context_prefixes().values(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, spaces)))


@cache
def _prefix_of() -> dict[str, str]:
    return {iri: prefix for prefix, iri in sorted(context_prefixes().items(), reverse=True)}


def _iri(iri: str) -> str:
    """A compact IRI where a prefix fits and the result cannot be read as an absolute IRI."""
    match = _namespaces().match(iri)
    if match is None:
        return iri
    local = iri[match.end() :]
    return iri if local.startswith("//") else f"{_prefix_of()[match.group()]}:{local}"


@cache
def _vocabulary_iri(iri: str) -> str:
    """:func:`_iri` of a predicate, class or datatype (few and repeated, so remembered)."""
    return _iri(iri)


def _node_id(term: NamedNode | BlankNode) -> str:
    return f"_:{term.value}" if isinstance(term, BlankNode) else _iri(term.value)


def _value(term: Any) -> Any:
    if isinstance(term, Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return term.value
        return {"@value": term.value, "@type": _vocabulary_iri(datatype)}
    return {"@id": _node_id(term)}


def _node(subject: Any, triples: list[Triple]) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": _node_id(subject)}
    values: dict[str, list[Any]] = {}
    for triple in triples:
        predicate, obj = triple.predicate.value, triple.object
        if predicate == RDF_TYPE and isinstance(obj, NamedNode):
            values.setdefault("@type", []).append(_vocabulary_iri(obj.value))
        else:
            values.setdefault(_vocabulary_iri(predicate), []).append(_value(obj))
    for key in sorted(values, key=lambda k: (k != "@type", k)):
        node[key] = values[key][0] if len(values[key]) == 1 else values[key]
    return node


def _nodes(triples: Iterable[Triple]) -> Iterator[dict[str, Any]]:
    """One node object per subject, in the order of the (sorted, so grouped) triples."""
    for subject, group in groupby(triples, key=lambda t: t.subject):
        yield _node(subject, list(group))


def compact_document(triples: list[Triple]) -> dict[str, Any]:
    """The JSON-LD document of ``triples`` (sorted), compacted with the published context."""
    return {"@context": context_prefixes(), "@graph": list(_nodes(triples))}


def jsonld_parts(groups: Iterable[tuple[Any, list[Triple]]]) -> Iterator[str]:
    """The text of :func:`compact_document` in pieces, one node object per line, from
    ``(subject, its triples)`` groups in sorted order (so the nodes are never all held)."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    yield f'{{"@context":{json.dumps(context_prefixes(), indent=1)},\n"@graph":[\n'
    separator = ""
    for subject, group in groups:
        yield separator + dumps(_node(subject, group))
        separator = ",\n"
    yield "\n]}\n"
