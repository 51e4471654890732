"""schema.org JSON-LD for entity pages, valid against the Bioschemas profiles they name.

Methods are ComputationalTool 1.0-RELEASE, papers ScholarlyArticle 0.3-DRAFT, vocabulary concepts
and EDAM terms DefinedTerm 0.1-DRAFT. Every statement is one the entity's RDF makes (same IRIs,
same labels); nothing stands in for what the list does not state (author, licence, version), and
empty values are left out. The context is inline, so parsing needs no network; it types the URL
properties as IRIs, so that ``codeRepository`` and ``url`` are plain URL strings as the profiles
want and still IRIs in RDF.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kg.namespaces import EDAM, PREFIXES, expand
from server.graph.kgindex import DESCRIPTION, LABEL, LINK, URL, KGIndex
from server.site.related import METHOD
from server.web.security import escape_script_data

CONTEXT = {
    "@vocab": PREFIXES["schema"],
    "dct": PREFIXES["dcterms"],
    **{name: {"@type": "@id"} for name in ("url", "codeRepository", "sameAs", "inDefinedTermSet")},
}
PROFILES = {
    "tool": "https://bioschemas.org/profiles/ComputationalTool/1.0-RELEASE",
    "article": "https://bioschemas.org/profiles/ScholarlyArticle/0.3-DRAFT",
    "term": "https://bioschemas.org/profiles/DefinedTerm/0.1-DRAFT",
}
ARTICLE = expand("schema:ScholarlyArticle")
CONCEPT = expand("skos:Concept")
OWL_CLASS = expand("owl:Class")
LINK_TYPE = expand("dcterms:type")
EDAM_SET = EDAM.rstrip("/")
#: bio.tools tool type for a link type of the list (the same rule as ``dlbio export biotools``).
CATEGORIES = {"web_server": "Web application"}
#: Link types of a paper that display the article itself.
ARTICLE_LINKS = ("paper", "preprint", "manuscript")
#: Literal identifiers of a paper → (namespace for ``identifier``, URL of the record).
PAPER_IDS = {
    expand("bibo:doi"): ("doi", "https://doi.org/"),
    expand("fabio:hasArXivId"): ("arxiv", "https://arxiv.org/abs/"),
    expand("fabio:hasPubMedId"): ("pmid", "https://pubmed.ncbi.nlm.nih.gov/"),
}
FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def prune(node: dict[str, Any]) -> dict[str, Any]:
    """``node`` without keys whose value is None, empty text or an empty list."""
    return {key: value for key, value in node.items() if value not in (None, "", [], {})}


def _header(kind: str, type_: str, iri: str, index: KGIndex) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "@type": type_,
        "@id": iri,
        "dct:conformsTo": {"@id": PROFILES[kind]},
        "name": index.label(iri),
        "description": index.literal(iri, DESCRIPTION),
    }


def edam_term(index: KGIndex, iri: str) -> dict[str, Any]:
    """An EDAM term as a DefinedTerm (label as name, the code as termCode)."""
    return {
        "@id": iri,
        "@type": "DefinedTerm",
        "name": index.literal(iri, LABEL) or iri[len(EDAM) :],
        "termCode": iri[len(EDAM) :],
        "inDefinedTermSet": EDAM_SET,
    }


def _links(index: KGIndex, iri: str, types: tuple[str, ...]) -> list[str]:
    """URLs of the links of ``iri`` the list gives with one of ``types``."""
    return [url for node in index.iris(iri, LINK)
            if index.literal(node, LINK_TYPE) in types for url in index.iris(node, URL)]


def _repositories(index: KGIndex, iri: str) -> list[str]:
    return [url for repository in index.iris(iri, expand("schema:codeRepository"))
            for url in index.iris(repository, URL)]


def paper_ids(index: KGIndex, iri: str) -> list[tuple[str, str]]:
    """(``doi:10.1/x``, ``https://doi.org/10.1/x``) for each identifier the paper has."""
    return [(f"{namespace}:{value}", url + value)
            for predicate, (namespace, url) in PAPER_IDS.items()
            for value in index.literals(iri, predicate)]


def citation(index: KGIndex, paper: str) -> dict[str, Any]:
    """A cited paper: its title and, where it has one, its DOI (or arXiv/PubMed ID) and URL."""
    ids = paper_ids(index, paper)
    return prune({"@id": paper, "@type": "ScholarlyArticle", "name": index.label(paper),
                  "identifier": ids[0][0] if ids else None, "url": ids[0][1] if ids else None})


def computational_tool(index: KGIndex, iri: str) -> dict[str, Any]:
    """A method as a Bioschemas ComputationalTool."""
    node = _header("tool", "SoftwareApplication", iri, index)
    servers = _links(index, iri, ("web_server",))
    repositories = _repositories(index, iri)
    node["url"] = (servers or repositories or [iri])[0]
    node["applicationCategory"] = sorted(
        {CATEGORIES[t] for n in index.iris(iri, LINK)
         if (t := index.literal(n, LINK_TYPE)) in CATEGORIES})
    node["applicationSubCategory"] = [
        edam_term(index, t) for t in index.iris(iri, expand("edam:has_topic"))]
    node["featureList"] = [
        edam_term(index, t) for t in index.iris(iri, expand("edam:has_function"))]
    node["citation"] = [citation(index, p) for p in index.iris(iri, expand("schema:citation"))]
    node["codeRepository"] = repositories
    node["isBasedOn"] = [{"@id": m, "@type": "SoftwareApplication", "name": index.label(m)}
                         for m in index.iris(iri, expand("schema:isBasedOn"))]
    node["softwareRequirements"] = [
        {"@id": f, "@type": "SoftwareApplication", "name": index.label(f)}
        for f in index.iris(iri, expand("schema:softwareRequirements"))]
    return prune(node)


def scholarly_article(index: KGIndex, iri: str) -> dict[str, Any]:
    """A paper as a Bioschemas ScholarlyArticle (its DOI, else arXiv or PubMed ID, as identifier).

    ``datePublished`` is given only for a full date (the profile wants one; ``2021-11`` is not).
    """
    node = _header("article", "ScholarlyArticle", iri, index)
    ids = paper_ids(index, iri)
    node["headline"] = index.literal(iri, expand("dcterms:title"))
    node["identifier"] = [curie for curie, _ in ids] or iri
    node["sameAs"] = [url for _, url in ids]
    node["url"] = list(dict.fromkeys([url for _, url in ids[:1]]
                                     + _links(index, iri, ARTICLE_LINKS)))
    date = index.literal(iri, expand("dcterms:date"))
    node["datePublished"] = date if date and FULL_DATE.fullmatch(date) else None
    venue = index.literal(iri, expand("schema:isPartOf"))
    node["isPartOf"] = {"@type": "Periodical", "name": venue} if venue else None
    return prune(node)


def defined_term(index: KGIndex, iri: str) -> dict[str, Any]:
    """A vocabulary concept or an EDAM term as a Bioschemas DefinedTerm."""
    if iri.startswith(EDAM):
        term = edam_term(index, iri)
        return {"@context": CONTEXT, **term, "dct:conformsTo": {"@id": PROFILES["term"]}}
    node = _header("term", "DefinedTerm", iri, index)
    node["termCode"] = iri.rstrip("/").rsplit("/", 1)[-1]
    schemes = index.iris(iri, expand("skos:inScheme"))
    node["inDefinedTermSet"] = schemes[0] if schemes else None
    node["sameAs"] = index.iris(iri, expand("skos:exactMatch"))
    node["alternateName"] = index.literals(iri, expand("skos:altLabel"))
    return prune(node)


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
    """JSON for a ``<script type="application/ld+json">`` element: no data string can end it."""
    return escape_script_data(json.dumps(document, ensure_ascii=False, indent=1))
