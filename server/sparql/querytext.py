"""The one scanner of raw SPARQL text: checks made before the query reaches the engine (SERVICE
allow-list, nesting, query form) and the recognition of a plain full dump (``full_dump_graph``).

pyoxigraph executes ``SERVICE`` with real HTTP requests and crashes on absurdly deep nesting, so
both are refused here. The scan is deliberately conservative: oxigraph's parser accepts
``SERVICE`` glued to neighbouring tokens (``1SERVICE<…>``, ``?x.SERVICE``, ``SERVICE:x``,
``FILTER(?a<?b)SERVICE:x#>``), so every occurrence of the word outside strings and comments that
could start a SERVICE clause is checked, not just whitespace-separated ones.

>>> inspect("PREFIX ex: <http://e/> SELECT * { ?s ?p ?o }", set()).form
'SELECT'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import pyoxigraph as ox

from kg.sparql_errors import IRIREF, LEXEMES, UCHAR

MAX_SERVICE_WORDS = 64
FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
VARNAME_CHAR = re.compile(r"[\w\u00B7\u0300-\u036F\u203F-\u2040]")
PN_CHAR = re.compile(r"[\w.\-%\\:\u00B7\u0300-\u036F\u203F-\u2040]")
PNAME = re.compile(r"([^\W\d][\w.\-]*)?:((?:[\w.\-:%]|\\.)*)")
SKIP = re.compile(r"(?:\s+|#[^\n\r]*)*")
PREFIX_BEFORE = re.compile(r"(?<![\w:?$.\-])prefix\s*$", re.IGNORECASE)
WORD = re.compile(r"service", re.IGNORECASE)
FORM_SCAN = re.compile(  # an IRI is skipped whole, so a keyword inside one never counts
    rf"(?P<iri>{IRIREF.pattern})|(?<![\w:?$])(?P<form>select|construct|describe|ask)(?![\w:])",
    re.IGNORECASE,
)
PREFIX_DECL = re.compile(r"prefix\s*([^\W\d][\w.\-]*)?:\s*(<[^>]*>)", re.IGNORECASE)
BASE_DECL = re.compile(r"base\s*(<[^>]*>)", re.IGNORECASE)
AUTHORITY = re.compile(r"^(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(?::\d+)?$")


class QueryRefused(ValueError):
    """The query text is refused before execution (status and message for the client)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Inspection:
    """What the scan found: the query form (None if unknown) and the SERVICE IRIs."""

    form: str | None
    services: list[str] = field(default_factory=list)


def _iri_spans(code: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in IRIREF.finditer(code)] if "<" in code else []


def _hashes_inside_iris(text: str, iris: list[tuple[int, str]]) -> bool:
    """Whether every ``#`` of ``text`` lies inside one of the IRI spans (no comment starts)."""
    spans = iter(iris)
    start, end = -1, -1
    position = text.find("#")
    while position >= 0:
        while end <= position:
            span = next(spans, None)
            if span is None:
                return False
            start, end = span[0], span[0] + len(span[1])
        if position < start:
            return False
        position = text.find("#", position + 1)
    return True


def _segments(text: str) -> tuple[str, list[tuple[int, str]] | None]:
    """Blank out strings and comments (same length, spaces); return the code and the IRI spans
    (None when the text has no strings or comments: ``_iri_spans`` finds them if needed).

    Without quotes, a text whose every ``#`` is inside an IRI (``owl#``, ``rdf-schema#``: most
    queries) has no comment either; the IRIs are then found without the blanking pass.
    """
    if '"' not in text and "'" not in text:
        if "#" not in text:
            return text, None
        iris = _iri_spans(text)
        if _hashes_inside_iris(text, iris):
            return text, iris
    return _blanked(text)


def _blanked(text: str) -> tuple[str, list[tuple[int, str]]]:
    """The full pass: strings and comments blanked, IRI spans collected on the way."""
    iris: list[tuple[int, str]] = []

    def blank(match: re.Match[str]) -> str:
        if match.lastgroup == "iri":
            iris.append((match.start(), match.group()))
            return match.group()
        return " " * (match.end() - match.start())

    return LEXEMES.sub(blank, text), iris


def _inside_token(code: str, start: int) -> bool:
    """Whether the word at ``start`` continues a variable name or a prefixed-name local part."""
    pos = start
    while pos > 0 and VARNAME_CHAR.match(code[pos - 1]):
        pos -= 1
    if pos > 0 and code[pos - 1] in "?$":
        return True
    pos = start
    while pos > 0 and PN_CHAR.match(code[pos - 1]):
        pos -= 1
        if code[pos] == ":":
            return True
    return False


def _target(code: str, end: int, tight: bool) -> str | None:
    """The SERVICE target after the word ending at ``end``: an IRI, ``?var`` or a prefixed name."""
    pos = end if tight else SKIP.match(code, end).end()
    if code[pos : pos + 6].lower() == "silent":
        pos += 6
        pos = pos if tight else SKIP.match(code, pos).end()
    rest = code[pos:]
    if rest[:1] in ("?", "$"):
        return rest[:1]
    if rest[:1] == "<" and not tight:
        match = IRIREF.match(rest)
        return match.group() if match else None
    match = PNAME.match(rest)
    return match.group() if match else None


def _candidates(code: str, iris: list[tuple[int, str]]) -> list[str]:
    """Every SERVICE target the engine might see, including ones glued to other tokens."""
    targets: list[str] = []
    matches = list(WORD.finditer(code))
    if len(matches) > MAX_SERVICE_WORDS:
        raise QueryRefused(400, f"the word SERVICE occurs more than {MAX_SERVICE_WORDS} times")
    for match in matches:
        window = code[max(0, match.start() - 64) : match.start()]
        if _inside_token(code, match.start()) or PREFIX_BEFORE.search(window):
            continue
        inside_iri = any(start < match.start() < start + len(iri) for start, iri in iris)
        target = _target(code, match.end(), tight=inside_iri)
        if target is not None:
            targets.append(target)
    return targets


def _unescape(iri: str) -> str:
    return re.sub(UCHAR, lambda m: chr(int(m.group()[2:], 16)), iri)


def _resolve(target: str, prefixes: dict[str, list[str]], bases: list[str]) -> list[str]:
    """Absolute IRIs a SERVICE target may denote (all candidates when declarations repeat)."""
    if target in ("?", "$"):
        raise QueryRefused(403, "SERVICE with a variable endpoint is not allowed on this server")
    if target.startswith("<"):
        return [urljoin(base, _unescape(target[1:-1])) for base in bases]
    prefix, _, local = target.partition(":")
    if prefix not in prefixes:
        raise QueryRefused(
            403, f"SERVICE target {target!r} uses an undeclared prefix; use a full IRI"
        )
    return [urljoin(base, ns + local) for ns in prefixes[prefix] for base in bases]


def check_service(iri: str, allowlist: set[str]) -> None:
    """Refuse a SERVICE IRI unless it is http(s) on an allow-listed host (or host:port)."""
    parts = urlsplit(iri)
    authority = parts.netloc
    if parts.scheme not in ("http", "https") or not AUTHORITY.match(authority):
        raise QueryRefused(403, f"SERVICE <{iri}> is not allowed: only plain http(s) IRIs")
    host = (parts.hostname or "").lower()
    if host not in allowlist and authority.lower() not in allowlist:
        raise QueryRefused(
            403,
            f"SERVICE <{iri}> is not allowed: host {host!r} is not in this server's "
            "federation allow-list (DLBIO_SERVICE_ALLOWLIST)",
        )


def max_depth(code: str) -> int:
    """Deepest nesting of ``{``, ``(`` and ``[`` in the code (strings and comments excluded)."""
    if code.count("{") + code.count("(") + code.count("[") <= 1:
        return code.count("{") + code.count("(") + code.count("[")
    depth = deepest = 0
    for char in code:
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})]":
            depth = max(depth - 1, 0)
    return deepest


def inspect(
    query: str, allowlist: set[str], base_iri: str = "", max_nesting: int = 200
) -> Inspection:
    """Scan ``query``: refuse deep nesting and non-allow-listed SERVICE; find the query form."""
    code, iris = _segments(query)
    opening = code.count("{") + code.count("(") + code.count("[")
    if opening > max_nesting and max_depth(code) > max_nesting:
        raise QueryRefused(400, f"query nesting is deeper than the limit of {max_nesting}")
    services = []
    if _mentions_service(code):  # prefixes and bases only matter to resolve SERVICE targets
        iris = _iri_spans(code) if iris is None else iris
        prefixes: dict[str, list[str]] = {}
        for match in PREFIX_DECL.finditer(code):
            prefixes.setdefault(match.group(1) or "", []).append(_unescape(match.group(2)[1:-1]))
        bases = [base_iri] + [urljoin(base_iri, m.group(1)[1:-1]) for m in BASE_DECL.finditer(code)]
        for target in _candidates(code, iris):
            for iri in _resolve(target, prefixes, bases):
                check_service(iri, allowlist)
                services.append(iri)
    return Inspection(_form(code), services)


def _mentions_service(code: str) -> bool:
    """Whether ``WORD`` occurs in ``code`` (for ASCII text, a plain substring test suffices)."""
    if code.isascii():
        return "service" in code.lower()
    return WORD.search(code) is not None


def _form(code: str) -> str | None:
    """The query form: the first form keyword outside IRIs (strings and comments are blank)."""
    for match in FORM_SCAN.finditer(code):
        if match.lastgroup == "form":
            return match.group("form").upper()
    return None


_VARS = r"\?(\w+)\s+\?(\w+)\s+\?(\w+)"
FULL_DUMP = re.compile(
    r"^\s*(?:(?:PREFIX\s*[\w.\-]*:\s*<[^<>\s]*>|BASE\s*<[^<>\s]*>)\s*)*CONSTRUCT\s*"
    rf"(?:\{{\s*{_VARS}\s*\.?\s*\}}\s*)?WHERE\s*\{{\s*"
    rf"(?:GRAPH\s*<(?P<graph>[^<>\s]*)>\s*\{{\s*{_VARS}\s*\.?\s*\}}|{_VARS})\s*\.?\s*\}}\s*$",
    re.IGNORECASE,
)


def full_dump_graph(query: str) -> ox.NamedNode | ox.DefaultGraph | None:
    """The graph a query dumps whole, if it is a plain full dump (else None).

    >>> full_dump_graph("CONSTRUCT WHERE { ?s ?p ?o }")
    <DefaultGraph>
    >>> full_dump_graph("CONSTRUCT { ?o ?p ?s } WHERE { ?s ?p ?o }") is None
    True
    """
    match = FULL_DUMP.match(query)
    if match is None:
        return None
    template, graph_vars, plain_vars = match.groups()[0:3], match.groups()[4:7], match.groups()[7:]
    pattern = graph_vars if match.group("graph") is not None else plain_vars
    if len(set(pattern)) != 3 or (template[0] is not None and template != pattern):
        return None
    if match.group("graph") is None:
        return ox.DefaultGraph()
    if template[0] is None:  # the short form cannot use GRAPH: let the parser say so
        return None
    try:
        return ox.NamedNode(match.group("graph"))
    except ValueError:
        return None
