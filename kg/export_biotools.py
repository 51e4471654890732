"""bio.tools records for the KG's methods (biotoolsSchema JSON), so entries can be registered there.

Facts come only from the built KG (``dlbio.nt`` of a release): name, our description, homepage
(a web server the list links to, else the code repository, else the method's IRI), EDAM topics,
operations, input/output data with their labels, the paper's DOI, code and documentation links,
and the repository owner as provider. EDAM formats are attached to the inputs (or outputs) only
when the method has data on one side alone; otherwise the data cannot say where they belong and
they are left out. Names are spelt in the schema's name characters (``NAME_SPELLING``); each
record is checked by ``kg.biotools_rules`` (the official JSON schema's rules plus bio.tools' own).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.biotools_rules import problems
from kg.namespaces import PREFIXES, expand

__all__ = ["NAME_SPELLING", "biotools_name", "export", "problems", "record"]

#: Characters of our names outside biotoolsSchema's name pattern, spelt with allowed ones: every
#: dash and the minus sign become a hyphen-minus; the prime (as in 5′ UTR) is spelt " prime", as
#: the Sequence Ontology names five_prime_UTR. Accents are then dropped (NFKD); anything still
#: outside the pattern is kept and reported by ``problems``, never guessed.
NAME_SPELLING = str.maketrans(
    {"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
     "\u2212": "-", "\u2032": " prime"}
)
BIOTOOLS = "https://bio.tools/"


@dataclass
class Facts:
    """What the KG states about one method, read into plain values."""

    iri: str
    values: dict[str, list[str]] = field(default_factory=dict)

    def all(self, curie: str) -> list[str]:
        """Sorted values of a predicate given as a CURIE."""
        return sorted(self.values.get(expand(curie), []))

    def one(self, curie: str) -> str | None:
        """The first value of a predicate, if any."""
        found = self.all(curie)
        return found[0] if found else None


class Graph:
    """The release's triples, answering the few look-ups the export needs."""

    def __init__(self, ntriples: Path) -> None:
        self.store = ox.Store()
        self.store.load(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES)

    def facts(self, iri: str) -> Facts:
        """Every predicate → values of ``iri``."""
        found = Facts(iri)
        for quad in self.store.quads_for_pattern(ox.NamedNode(iri), None, None):
            found.values.setdefault(quad.predicate.value, []).append(quad.object.value)
        return found

    def methods(self) -> list[str]:
        """Current (not replaced) methods, sorted."""
        query = """SELECT ?m WHERE { ?m a schema:SoftwareApplication
            FILTER NOT EXISTS { ?m dcterms:isReplacedBy ?n } } ORDER BY ?m"""
        return [row["m"].value for row in self.store.query(query, prefixes=PREFIXES)]

    def label(self, iri: str) -> str:
        """rdfs:label of ``iri`` (EDAM terms carry their EDAM label)."""
        return self.facts(iri).one("rdfs:label") or iri


def _terms(graph: Graph, iris: list[str]) -> list[dict[str, str]]:
    return [{"uri": iri, "term": graph.label(iri)} for iri in iris]


def _function(graph: Graph, method: Facts) -> dict[str, Any]:
    inputs, outputs = method.all("edam:has_input"), method.all("edam:has_output")
    formats = _terms(graph, method.all("edam:has_format"))
    function: dict[str, Any] = {"operation": _terms(graph, method.all("edam:has_function"))}
    for key, iris, other in (("input", inputs, outputs), ("output", outputs, inputs)):
        if iris:
            with_formats = formats if not other else []
            function[key] = [
                {"data": term, **({"format": with_formats} if with_formats else {})}
                for term in _terms(graph, iris)
            ]
    return function


def _links(graph: Graph, method: Facts) -> tuple[list[str], list[str], list[str]]:
    """(web server URLs, documentation URLs, code repository URLs) of a method."""
    by_kind: dict[str, list[str]] = {}
    for node in method.all("dlbio:link"):
        link = graph.facts(node)
        by_kind.setdefault(link.one("dcterms:type") or "", []).append(link.one("schema:url") or "")
    code = [
        url
        for repo in method.all("schema:codeRepository")
        for url in graph.facts(repo).all("schema:url")
    ]
    return by_kind.get("web_server", []), by_kind.get("docs", []), code


def _registered_id(graph: Graph, method: Facts) -> str | None:
    for node in method.all("rdfs:seeAlso"):
        record = graph.facts(node)
        if record.one("dcterms:publisher") == BIOTOOLS:
            return record.one("dcterms:identifier")
    return None


def _credit(graph: Graph, method: Facts) -> list[dict[str, Any]]:
    owners = sorted(
        {
            name.split("/", 1)[0]
            for repo in method.all("schema:codeRepository")
            for name in graph.facts(repo).all("dlbio:githubRepository")
        }
    )
    return [
        {"name": owner, "url": f"https://github.com/{owner}", "typeRole": ["Provider"]}
        for owner in owners
    ]


def biotools_name(name: str) -> str:
    """Our name spelt in biotoolsSchema's name characters (``NAME_SPELLING``), collapsed spaces.

    >>> biotools_name("CNN architectures for DNA–protein binding")
    'CNN architectures for DNA-protein binding'
    >>> biotools_name("Yeast 5′ UTR regulatory grammar model")
    'Yeast 5 prime UTR regulatory grammar model'
    """
    spelt = unicodedata.normalize("NFKD", name.translate(NAME_SPELLING))
    spelt = "".join(char for char in spelt if not unicodedata.combining(char))
    return " ".join(spelt.split())


def record(graph: Graph, iri: str) -> dict[str, Any]:
    """The biotoolsSchema record of the method ``iri``."""
    method = graph.facts(iri)
    servers, docs, code = _links(graph, method)
    tool_id = _registered_id(graph, method) or iri.rsplit("/", 1)[-1]
    entry: dict[str, Any] = {
        "name": biotools_name(method.one("rdfs:label") or ""),
        "description": method.one("dcterms:description"),
        "homepage": (servers or code or [iri])[0],
        "biotoolsID": tool_id,
        "biotoolsCURIE": f"biotools:{tool_id}",
        "topic": _terms(graph, method.all("edam:has_topic")),
        "function": [_function(graph, method)],
    }
    if servers:
        entry["toolType"] = ["Web application"]
    papers = [graph.facts(p).one("bibo:doi") for p in method.all("schema:citation")]
    entry["publication"] = [{"doi": doi} for doi in papers if doi]
    entry["link"] = [{"url": url, "type": ["Repository"]} for url in code]
    entry["documentation"] = [{"url": url, "type": ["General"]} for url in docs]
    entry["credit"] = _credit(graph, method)
    return {key: value for key, value in entry.items() if value not in ([], None)}


def export(ntriples: Path, out: Path) -> list[tuple[Path, list[str]]]:
    """Write one ``<biotoolsID>.biotools.json`` per method; returns (file, problems) pairs."""
    graph = Graph(ntriples)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for iri in graph.methods():
        entry = record(graph, iri)
        path = out / f"{entry['biotoolsID']}.biotools.json"
        path.write_text(json.dumps(entry, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append((path, problems(entry)))
    return written
