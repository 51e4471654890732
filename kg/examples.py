"""The example queries of ``queries/`` published as data, the way SIB's sparql-examples do.

Each ``queries/<stem>.rq`` opens with a header of ``# key: value`` comment lines (``title``,
``question``, ``columns``, ``keywords``, ``theme`` and, for federated queries, ``requires`` and
``service``) followed by the query itself with its own PREFIX declarations. :func:`example_triples`
turns every file into a resource ``https://w3id.org/dlbio/query/<stem>`` typed
``sh:SPARQLExecutable`` (plus ``sh:SPARQLSelectExecutable``, ``…ConstructExecutable`` or
``…AskExecutable``) whose ``sh:select``/``sh:construct``/``sh:ask``/``sh:describe`` is the query
text, so that the examples can be found with SPARQL on the endpoint itself. The output is
deterministic and has no blank nodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from kg.dumps import sort_triples
from kg.namespaces import BASE, PREFIXES

QUERY_NS = BASE + "query/"
ENDPOINT = BASE + "sparql"
PREFIXES_IRI = QUERY_NS + "prefixes"

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SCHEMA = PREFIXES["schema"]
DCTERMS = PREFIXES["dcterms"]
OWL = PREFIXES["owl"]
XSD_ANY_URI = "http://www.w3.org/2001/XMLSchema#anyURI"
SPEX = "https://purl.expasy.org/sparql-examples/ontology#"

#: Header keys every query file must give, in this order.
REQUIRED_KEYS = ("title", "question", "columns", "keywords", "theme")
#: Header keys a query file may add.
OPTIONAL_KEYS = ("requires", "service")

#: Query form → (SHACL subclass of sh:SPARQLExecutable or None, SHACL property holding the text).
FORMS = {
    "SELECT": ("SPARQLSelectExecutable", "select"),
    "CONSTRUCT": ("SPARQLConstructExecutable", "construct"),
    "ASK": ("SPARQLAskExecutable", "ask"),
    "DESCRIBE": (None, "describe"),
}

_HEADER_LINE = re.compile(r"^#\s*([a-z]+)\s*:\s*(.*\S)\s*$")
_PROLOGUE = re.compile(
    r"\A\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
    r"(SELECT|CONSTRUCT|ASK|DESCRIBE)\b",
    re.IGNORECASE,
)
_PREFIX_DECL = re.compile(r"PREFIX\s+([^\s:]*):\s*<([^>]*)>", re.IGNORECASE)
_SERVICE = re.compile(r"\bSERVICE\s+(?:SILENT\s+)?<([^>]+)>", re.IGNORECASE)


class ExampleError(ValueError):
    """A query file does not follow the header convention of ``queries/``."""


@dataclass(frozen=True)
class ExampleQuery:
    """One example query: its file stem, header fields and query text (header removed)."""

    stem: str
    header: dict[str, str]
    text: str

    @property
    def iri(self) -> str:
        """The example's persistent IRI."""
        return QUERY_NS + self.stem

    @property
    def form(self) -> str:
        """SELECT, CONSTRUCT, ASK or DESCRIBE."""
        return query_form(self.text)

    @property
    def keywords(self) -> list[str]:
        """The comma-separated keywords of the header."""
        return _split(self.header["keywords"])

    @property
    def columns(self) -> list[str]:
        """The comma-separated column names of the header."""
        return _split(self.header["columns"])

    @property
    def services(self) -> list[str]:
        """IRIs of the endpoints the query calls with SERVICE, sorted."""
        return sorted(set(_SERVICE.findall(self.text)))

    @property
    def prefixes(self) -> dict[str, str]:
        """The PREFIX declarations of the query."""
        return dict(_PREFIX_DECL.findall(self.text))

    @property
    def needs_service_allowlist(self) -> bool:
        """True when the header says the query only runs where federation is allowed."""
        return "service-allowlist" in _split(self.header.get("requires", ""))


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def parse_header(source: str) -> tuple[dict[str, str], str]:
    """Split a query file into its ``# key: value`` header and the query text after it."""
    lines = source.splitlines()
    header: dict[str, str] = {}
    while lines and (match := _HEADER_LINE.match(lines[0])):
        key, value = match.groups()
        if key in header:
            raise ExampleError(f"header key {key!r} given twice")
        header[key] = value
        lines.pop(0)
    text = "\n".join(lines).strip() + "\n"
    return header, text


def check_header(header: dict[str, str]) -> None:
    """Raise ExampleError unless the header has every required key and only known keys."""
    missing = [key for key in REQUIRED_KEYS if not header.get(key)]
    if missing:
        raise ExampleError(f"header lacks {', '.join(missing)}")
    unknown = sorted(set(header) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise ExampleError(f"unknown header keys: {', '.join(unknown)}")


def query_form(text: str) -> str:
    """The form of a query (SELECT, CONSTRUCT, ASK or DESCRIBE), read after its prologue."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    match = _PROLOGUE.match(body)
    if not match:
        raise ExampleError("no SELECT, CONSTRUCT, ASK or DESCRIBE after the prologue")
    return match.group(1).upper()


def read_example(path: Path) -> ExampleQuery:
    """Read and check one ``.rq`` file."""
    try:
        header, text = parse_header(path.read_text(encoding="utf-8"))
        check_header(header)
        example = ExampleQuery(path.stem, header, text)
        example.form  # noqa: B018 - raises ExampleError for a query of no known form
    except ExampleError as exc:
        raise ExampleError(f"{path.name}: {exc}") from exc
    return example


def read_examples(queries_dir: Path) -> list[ExampleQuery]:
    """Every example query of a folder, sorted by file name."""
    return [read_example(path) for path in sorted(queries_dir.glob("*.rq"))]


def _iri(value: str) -> NamedNode:
    return NamedNode(value)


def _example_triples(example: ExampleQuery) -> list[Triple]:
    subject = _iri(example.iri)
    subclass, text_property = FORMS[example.form]
    types = [SH + "SPARQLExecutable"] + ([SH + subclass] if subclass else [])
    triples = [Triple(subject, _iri(RDF_TYPE), _iri(t)) for t in types]
    triples += [
        Triple(subject, _iri(SH + text_property), Literal(example.text)),
        Triple(subject, _iri(RDFS + "label"), Literal(example.header["title"])),
        Triple(subject, _iri(RDFS + "comment"), Literal(example.header["question"])),
        Triple(subject, _iri(SCHEMA + "target"), _iri(ENDPOINT)),
        Triple(subject, _iri(DCTERMS + "subject"), Literal(example.header["theme"])),
        Triple(subject, _iri(SH + "prefixes"), _iri(PREFIXES_IRI)),
    ]
    triples += [Triple(subject, _iri(SCHEMA + "keywords"), Literal(k)) for k in example.keywords]
    triples += [Triple(subject, _iri(SPEX + "federatesWith"), _iri(s)) for s in example.services]
    return triples


def declared_prefixes(examples: list[ExampleQuery]) -> dict[str, str]:
    """The project's prefixes plus those the queries declare; raise on a conflicting one."""
    merged = dict(PREFIXES)
    for example in examples:
        for prefix, namespace in example.prefixes.items():
            if merged.setdefault(prefix, namespace) != namespace:
                raise ExampleError(
                    f"{example.stem}.rq: prefix {prefix}: is <{namespace}>, "
                    f"elsewhere <{merged[prefix]}>"
                )
    return merged


def prefix_triples(prefixes: dict[str, str]) -> list[Triple]:
    """SHACL prefix declarations (``sh:declare``) that the examples point to with sh:prefixes."""
    owner = _iri(PREFIXES_IRI)
    triples = [Triple(owner, _iri(RDF_TYPE), _iri(OWL + "Ontology"))]
    for prefix, namespace in sorted(prefixes.items()):
        declaration = _iri(f"{PREFIXES_IRI}#{prefix}")
        triples += [
            Triple(owner, _iri(SH + "declare"), declaration),
            Triple(declaration, _iri(SH + "prefix"), Literal(prefix)),
            Triple(
                declaration, _iri(SH + "namespace"), Literal(namespace, datatype=_iri(XSD_ANY_URI))
            ),
        ]
    return triples


def example_triples(queries_dir: Path) -> list[Triple]:
    """All triples publishing the example queries of ``queries_dir``, sorted and deduplicated."""
    examples = read_examples(queries_dir)
    if any(example.stem == "prefixes" for example in examples):
        raise ExampleError("prefixes.rq: the stem 'prefixes' names the prefix declarations")
    triples = prefix_triples(declared_prefixes(examples))
    for example in examples:
        triples += _example_triples(example)
    return sort_triples(triples)
