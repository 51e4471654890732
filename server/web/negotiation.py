"""Content negotiation: the result formats and a pure ``Accept`` header matcher.

>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_FORMATS).media_type
'application/sparql-results+xml'
>>> negotiate("text/turtle", RESULT_FORMATS) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    """One serialization: its canonical media type, accepted aliases and short names."""

    key: str
    media_type: str
    oxigraph: Any  # ox.QueryResultsFormat or ox.RdfFormat
    aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    sd_iri: str = ""  # W3C formats IRI, used in the service description

    @property
    def is_text(self) -> bool:
        """Whether the media type is ``text/*`` (and so gets an explicit UTF-8 charset)."""
        return self.media_type.startswith("text/")


W3F = "http://www.w3.org/ns/formats/"
QRF = ox.QueryResultsFormat
RF = ox.RdfFormat
RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", QRF.JSON, ("application/json",),
           ("json", "srj"), W3F + "SPARQL_Results_JSON"),
    Format("xml", "application/sparql-results+xml", QRF.XML, ("application/xml", "text/xml"),
           ("xml", "srx"), W3F + "SPARQL_Results_XML"),
    Format("csv", "text/csv", QRF.CSV, (), ("csv",), W3F + "SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values", QRF.TSV, (), ("tsv",), W3F + "SPARQL_Results_TSV"),
)
RDF_FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", RF.TURTLE, ("application/x-turtle",), ("turtle", "ttl", "n3"),
           W3F + "Turtle"),
    Format("ntriples", "application/n-triples", RF.N_TRIPLES, (), ("nt", "ntriples", "n-triples"),
           W3F + "N-Triples"),
    Format("rdfxml", "application/rdf+xml", RF.RDF_XML, (), ("rdfxml", "rdf", "xml", "rdf+xml"),
           W3F + "RDF_XML"),
    Format("jsonld", "application/ld+json", RF.JSON_LD, ("application/json",),
           ("jsonld", "json-ld", "json"), W3F + "JSON-LD"),
    Format("nquads", "application/n-quads", RF.N_QUADS, (), ("nq", "nquads", "n-quads"),
           W3F + "N-Quads"),
    Format("trig", "application/trig", RF.TRIG, (), ("trig",), W3F + "TriG"),
)
DESCRIPTION_FORMATS = RDF_FORMATS[:4]  # Turtle, N-Triples, RDF/XML, JSON-LD
#: A page for people: entity pages, and the endpoint's own page for a browser without a query.
HTML = Format("html", "text/html", None, ("application/xhtml+xml",), ("html",))


class Choice(NamedTuple):
    """The negotiated format and the media type to declare in ``Content-Type``."""

    format: Format
    media_type: str


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Parse an ``Accept``-style header into ``(lowercase range, q)`` pairs; bad parts dropped."""
    ranges: list[tuple[str, float]] = []
    for part in (header or "").split(","):
        value, *params = (p.strip() for p in part.split(";"))
        if not value:
            continue
        quality = 1.0
        for param in params:
            name, _, raw = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(raw), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((value.lower(), quality))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """The q of the most specific range matching ``media_type`` and that specificity (0: none)."""
    major = media_type.split("/")[0]
    best: tuple[int, float] = (0, 0.0)
    for value, quality in ranges:
        if value == media_type:
            specificity = 3
        elif value == f"{major}/*":
            specificity = 2
        elif value in {"*/*", "*"}:
            specificity = 1
        else:
            continue
        best = max(best, (specificity, quality), key=lambda item: item[0])
    return best[1], best[0]


@lru_cache(maxsize=1024)
def negotiate(header: str | None, formats: tuple[Format, ...]) -> Choice | None:
    """Pick the format the client prefers; None means nothing acceptable (→ 406).

    Ranking: q-value, then the specificity of the matching range, then canonical media types
    over aliases, then our order of formats. Memoized: clients repeat their Accept headers.
    """
    if not header or not header.strip():
        return Choice(formats[0], formats[0].media_type)
    ranges = parse_accept(header)
    best: tuple[float, int, bool, int] | None = None
    choice: Choice | None = None
    for rank, fmt in enumerate(formats):
        for media_type in (fmt.media_type, *fmt.aliases):
            quality, specificity = _quality(media_type, ranges)
            score = (quality, specificity, media_type == fmt.media_type, -rank)
            if quality > 0 and (best is None or score > best):
                best, choice = score, Choice(fmt, media_type)
    return choice


def by_name(value: str, formats: tuple[Format, ...]) -> Choice | None:
    """Resolve a ``format=`` parameter: a short name (``json``, ``ttl``…) or a media type."""
    value = value.strip().lower()
    for fmt in formats:
        if value in fmt.names or value == fmt.media_type:
            return Choice(fmt, fmt.media_type)
        if value in fmt.aliases:
            return Choice(fmt, value)
    return None


@lru_cache(maxsize=256)
def accepts_gzip(header: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header allows gzip."""
    ranges = dict(parse_accept(header))
    if "gzip" in ranges:
        return ranges["gzip"] > 0
    return ranges.get("*", 0.0) > 0
