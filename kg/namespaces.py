"""IRI namespaces used across the knowledge graph — declared once, here."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import curies

BASE = "https://w3id.org/dlbio/"
SCHEMA_NS = BASE + "schema/"
EDAM = "http://edamontology.org/"

#: Class name → IRI path segment of its instances (``method:x`` is ``BASE + "method/x"``).
CLASS_SEGMENTS = {
    "Method": "method",
    "Paper": "paper",
    "Review": "paper",
    "CodeRepository": "repository",
    "Architecture": "architecture",
    "DataModality": "modality",
    "Subfield": "subfield",
    "SoftwareFramework": "framework",
    "SourceList": "dataset",
    "Resource": "resource",
    "ListVersion": "version",
}

#: Prefixes written in Turtle dumps and used to expand CURIEs in the data.
PREFIXES = {
    "dlbio": SCHEMA_NS,
    "method": BASE + "method/",
    "paper": BASE + "paper/",
    "repository": BASE + "repository/",
    "architecture": BASE + "architecture/",
    "modality": BASE + "modality/",
    "subfield": BASE + "subfield/",
    "framework": BASE + "framework/",
    "dataset": BASE + "dataset/",
    "resource": BASE + "resource/",
    "version": BASE + "version/",
    "scheme": BASE + "scheme/",
    "edam": EDAM,
    "schema": "http://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "fabio": "http://purl.org/spar/fabio/",
    "bibo": "http://purl.org/ontology/bibo/",
    "prov": "http://www.w3.org/ns/prov#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}

#: SKOS concept schemes of the three vocabularies, by class name.
SCHEMES = {
    "Architecture": BASE + "scheme/architectures",
    "DataModality": BASE + "scheme/modalities",
    "Subfield": BASE + "scheme/subfields",
}


@cache
def converter() -> curies.Converter:
    """CURIE expansion and compaction with the prefixes above (longest namespace wins).

    Built at first use: importing ``curies`` (and pydantic with it) costs ~0.2 s, which every
    ``dlbio`` command would otherwise pay although most never compact an IRI.
    """
    import curies

    return curies.Converter.from_prefix_map(PREFIXES)


#: Prefix → namespace for our own CURIEs, looked up directly: ``Converter.expand`` rebuilds its
#: map at every call, a third of the build's conversion time.
_NAMESPACES = PREFIXES


def expand(curie: str) -> str:
    """Expand a CURIE with the project's prefixes; absolute IRIs pass through.

    >>> expand("method:deepbind")
    'https://w3id.org/dlbio/method/deepbind'
    """
    prefix, colon, local = curie.partition(":")
    if local.startswith("//"):
        return curie
    namespace = _NAMESPACES.get(prefix) if colon else None
    if namespace is None:  # not one of ours: curies decides (and refuses a string without ':')
        return converter().expand(curie) or curie
    return namespace + local


def compact(iri: str) -> str:
    """Compact an IRI to a CURIE with the longest matching project prefix, else return it.

    >>> compact("https://w3id.org/dlbio/schema/Method"), compact("http://example.org/x")
    ('dlbio:Method', 'http://example.org/x')
    """
    return converter().compress(iri) or iri
