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
LISTING = """
SELECT ?status (COUNT(DISTINCT ?e) AS ?entries)
       (SUM(IF(?described, 0, 1)) AS ?undescribed) WHERE {
  ?e schema:creativeWorkStatus ?status ; dlbio:listGivesDescription ?described .
} GROUP BY ?status ORDER BY ?status
"""
RELATIONS = """
SELECT ?property (SUM(IF(?stated, 1, 0)) AS ?stated) (SUM(IF(?stated, 0, 1)) AS ?inferred) WHERE {
  ?m dlbio:qualifiedRelation ?edge . ?edge rdf:predicate ?property ; dlbio:stated ?stated .
} GROUP BY ?property ORDER BY ?property
"""
WITH_OUTPUT = """
SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a schema:SoftwareApplication ; edam:has_output ?o }
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


def listing(store: Store) -> list[tuple[str, int, int]]:
    """(status IRI, entries, entries the list gives no description) per listing status."""
    return [(status, int(n), int(bare)) for status, n, bare in _rows(store, LISTING)]


def relations(store: Store) -> list[tuple[str, int, int]]:
    """(relation property, stated edges, inferred edges) per property of the relation hierarchy."""
    return [(prop, int(s), int(i)) for prop, s, i in _rows(store, RELATIONS)]


def methods_with_output(store: Store) -> int:
    """Number of methods with at least one EDAM output (what they predict)."""
    return int(_rows(store, WITH_OUTPUT)[0][0])
