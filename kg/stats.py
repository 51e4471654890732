"""``dlbio stats``: what the built KG holds, read back from its store."""

from __future__ import annotations

from pyoxigraph import Store

from kg.namespaces import PREFIXES

CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?class . FILTER(STRSTARTS(STR(?s), "https://w3id.org/dlbio/") && !CONTAINS(STR(?s), "#"))
  FILTER NOT EXISTS { ?s a void:Dataset }
} GROUP BY ?class ORDER BY ?class
"""
METHODS_WITH_PAPER = """
SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a schema:SoftwareApplication ; schema:citation ?p .
  ?p a schema:ScholarlyArticle }
"""
EDAM_USED = """
SELECT ?term ?label (COUNT(DISTINCT ?m) AS ?methods) WHERE {
  ?m a schema:SoftwareApplication ; ?p ?term .
  FILTER(?p IN (edam:has_topic, edam:has_function, edam:has_input, edam:has_output, edam:has_format))
  ?term rdfs:label ?label .
} GROUP BY ?term ?label ORDER BY ?term
"""


def _rows(store: Store, query: str) -> list[tuple[str, ...]]:
    solutions = store.query(query, prefixes=PREFIXES)
    names = [v.value for v in solutions.variables]
    return [tuple(row[n].value for n in names) for row in solutions]


def class_counts(store: Store) -> list[tuple[str, int]]:
    """(class IRI, number of entities) for every class of DLBio entities."""
    return [(cls, int(n)) for cls, n in _rows(store, CLASS_COUNTS)]


def methods_with_paper(store: Store) -> int:
    """Number of methods linked to the paper that describes them."""
    return int(_rows(store, METHODS_WITH_PAPER)[0][0])


def edam_terms_used(store: Store) -> list[tuple[str, str, int]]:
    """(EDAM IRI, label, number of methods) for every EDAM term methods use."""
    return [(term, label, int(n)) for term, label, n in _rows(store, EDAM_USED)]
