"""schema.org JSON-LD for entity pages, following the Bioschemas profiles.

Methods are ComputationalTool (``SoftwareApplication`` with EDAM topics as
``applicationSubCategory`` and EDAM operations as ``featureList``), papers ScholarlyArticle,
vocabulary concepts and EDAM terms DefinedTerm. Every statement is one the entity's RDF makes
(same IRIs, same labels); the context is inline, so parsing needs no network.
"""

from __future__ import annotations

import json
from typing import Any

from kg.namespaces import EDAM, expand
from server.kgindex import LABEL, KGIndex
from server.related import METHOD

CONTEXT = {"@vocab": "http://schema.org/", "dct": "http://purl.org/dc/terms/"}
PROFILES = {
    "tool": "https://bioschemas.org/profiles/ComputationalTool/1.0-RELEASE",
    "article": "https://bioschemas.org/profiles/ScholarlyArticle/0.2-DRAFT-2020_12_03",
    "term": "https://bioschemas.org/profiles/DefinedTerm/1.0-RELEASE",
}
ARTICLE = expand("schema:ScholarlyArticle")
CONCEPT = expand("skos:Concept")
OWL_CLASS = expand("owl:Class")
DESCRIPTION = expand("dcterms:description")
EDAM_SET = "http://edamontology.org"


def _header(kind: str, type_: str, iri: str, index: KGIndex) -> dict[str, Any]:
    node: dict[str, Any] = {"@context": CONTEXT, "@type": type_, "@id": iri}
    node["dct:conformsTo"] = {"@id": PROFILES[kind]}
    node["name"] = index.label(iri)
    description = index.literal(iri, DESCRIPTION)
    if description:
        node["description"] = description
    return node


def edam_term(index: KGIndex, iri: str) -> dict[str, Any]:
    """An EDAM term as a DefinedTerm (label as name, the code as termCode)."""
    return {
        "@id": iri,
        "@type": "DefinedTerm",
        "name": index.literal(iri, LABEL) or iri[len(EDAM) :],
        "termCode": iri[len(EDAM) :],
        "inDefinedTermSet": {"@id": EDAM_SET},
    }


def _homepage(index: KGIndex, iri: str) -> str:
    """A web server the list links to, else the first code repository, else our page."""
    for node in index.iris(iri, expand("dlbio:link")):
        if index.literal(node, expand("dcterms:type")) == "web_server":
            return index.iris(node, expand("schema:url"))[0]
    for repository in index.iris(iri, expand("schema:codeRepository")):
        urls = index.iris(repository, expand("schema:url"))
        if urls:
            return urls[0]
    return iri


def computational_tool(index: KGIndex, iri: str) -> dict[str, Any]:
    """A method as a Bioschemas ComputationalTool."""
    node = _header("tool", "SoftwareApplication", iri, index)
    node["url"] = _homepage(index, iri)
    node["applicationSubCategory"] = [
        edam_term(index, t) for t in index.iris(iri, expand("edam:has_topic"))
    ]
    node["featureList"] = [
        edam_term(index, t) for t in index.iris(iri, expand("edam:has_function"))
    ]
    papers = index.iris(iri, expand("schema:citation"))
    node["citation"] = [{"@id": p, "@type": "ScholarlyArticle"} for p in papers]
    node["codeRepository"] = [
        {"@id": r, "@type": "SoftwareSourceCode", "url": [{"@id": u} for u in index.iris(r, expand("schema:url"))]}
        for r in index.iris(iri, expand("schema:codeRepository"))
    ]
    node["softwareRequirements"] = [
        {"@id": f, "name": index.label(f)}
        for f in index.iris(iri, expand("schema:softwareRequirements"))
    ]
    return node


def scholarly_article(index: KGIndex, iri: str) -> dict[str, Any]:
    """A paper as a Bioschemas ScholarlyArticle (DOI as identifier and sameAs)."""
    node = _header("article", "ScholarlyArticle", iri, index)
    title = index.literal(iri, expand("dcterms:title"))
    if title:
        node["headline"] = title
    doi = index.literal(iri, expand("bibo:doi"))
    if doi:
        node["identifier"] = f"doi:{doi}"
        node["sameAs"] = {"@id": f"https://doi.org/{doi}"}
    date = index.literal(iri, expand("dcterms:date"))
    if date:
        node["datePublished"] = date
    venue = index.literal(iri, expand("schema:isPartOf"))
    if venue:
        node["isPartOf"] = venue
    return node


def defined_term(index: KGIndex, iri: str) -> dict[str, Any]:
    """A vocabulary concept or an EDAM term as a Bioschemas DefinedTerm."""
    if iri.startswith(EDAM):
        node = {"@context": CONTEXT, **edam_term(index, iri)}
        node["dct:conformsTo"] = {"@id": PROFILES["term"]}
        return node
    node = _header("term", "DefinedTerm", iri, index)
    node["termCode"] = iri.rstrip("/").rsplit("/", 1)[-1]
    schemes = index.iris(iri, expand("skos:inScheme"))
    if schemes:
        node["inDefinedTermSet"] = {"@id": schemes[0], "@type": "DefinedTermSet",
                                    "name": index.label(schemes[0])}
    alternates = index.literals(iri, expand("skos:altLabel"))
    if alternates:
        node["alternateName"] = alternates
    return node


def bioschemas(index: KGIndex, iri: str) -> dict[str, Any] | None:
    """The JSON-LD for the page about ``iri``, or None for kinds without a profile."""
    types = index.types(iri)
    if METHOD in types:
        return computational_tool(index, iri)
    if ARTICLE in types:
        return scholarly_article(index, iri)
    if CONCEPT in types or OWL_CLASS in types:
        return defined_term(index, iri)
    return None


def script_text(document: dict[str, Any]) -> str:
    """JSON for a ``<script type="application/ld+json">`` element (``</`` cannot end it early)."""
    return json.dumps(document, ensure_ascii=False, indent=1).replace("</", "<\\/")
