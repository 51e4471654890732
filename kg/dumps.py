"""Deterministic dumps of the graph: sorted N-Triples, Turtle and JSON-LD, each also gzipped.

The same triples always give byte-identical files: triples are sorted, prefixes are fixed and gzip
headers carry no timestamp or file name. Turtle never holds a local name with a backslash escape
(``method:basenji\\#link-1``, valid Turtle 1.1 that Virtuoso loads with the backslash kept): such
IRIs are written in full.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from pyoxigraph import RdfFormat, Triple, serialize

from kg.jsonld import compact_jsonld
from kg.namespaces import PREFIXES

DUMP_FORMATS = {
    "dlbio.ttl": (RdfFormat.TURTLE, "text/turtle"),
    "dlbio.nt": (RdfFormat.N_TRIPLES, "application/n-triples"),
    "dlbio.jsonld": (RdfFormat.JSON_LD, "application/ld+json"),
}
GZIP_TYPE = "application/gzip"
#: A Turtle line's tokens: a literal with its tag or datatype, a run of non-space, or space.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"\S*|[^\s"]+|\s+')
_ESCAPE = re.compile(rb"\\(.)")
_NAMESPACES = {prefix.encode(): iri.encode() for prefix, iri in PREFIXES.items()}


@dataclass(frozen=True)
class DumpFile:
    """A written dump: name, media type, size, SHA-256 and triple count."""

    name: str
    media_type: str
    size: int
    sha256: str
    triples: int
    encoding: str | None = None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form for the build manifest."""
        return asdict(self)


def sort_triples(triples: Iterable[Triple]) -> list[Triple]:
    """Unique triples in a stable order (subject, predicate, object as N-Triples text)."""
    unique = {str(t): t for t in triples}
    return [unique[key] for key in sorted(unique)]


def _write(path: Path, content: bytes) -> tuple[int, str]:
    path.write_bytes(content)
    return len(content), hashlib.sha256(content).hexdigest()


def ntriples_bytes(triples: list[Triple]) -> bytes:
    """N-Triples text of the triples, one per line, in the given order (each line is
    ``f"{triple} .\\n"``, the text :func:`sort_triples` sorts by)."""
    return serialize(triples, format=RdfFormat.N_TRIPLES)


def _full_iri(token: bytes) -> bytes:
    """``prefix:local\\#part`` → ``<namespace-IRI local#part>``; other tokens unchanged."""
    if token[:1] in b'"<' or b"\\" not in token or b":" not in token:
        return token
    prefix, _, local = token.partition(b":")
    return b"<" + _NAMESPACES[prefix] + _ESCAPE.sub(rb"\1", local) + b">"


def turtle_bytes(triples: list[Triple]) -> bytes:
    """Turtle with our prefixes, every IRI whose local name would need an escape written in full."""
    text = serialize(triples, format=RdfFormat.TURTLE, prefixes=PREFIXES)
    if b"\\" not in text:
        return text
    lines = text.split(b"\n")
    fixed = (b"".join(map(_full_iri, _TOKENS.findall(ln))) if b"\\" in ln else ln for ln in lines)
    return b"\n".join(fixed)


def write_dumps(
    triples: list[Triple], folder: Path, ntriples: bytes | None = None, nt_written: bool = False
) -> list[DumpFile]:
    """Write every dump format and its gzipped copy into ``folder``; triples must be sorted.

    ``ntriples`` is the N-Triples text of ``triples`` when the caller already has it
    (``nt_written``: and has written it to ``dlbio.nt``).
    """
    files = []
    for name, (rdf_format, media_type) in DUMP_FORMATS.items():
        if rdf_format == RdfFormat.N_TRIPLES:
            content = ntriples if ntriples is not None else ntriples_bytes(triples)
        elif rdf_format == RdfFormat.JSON_LD:  # compacted with the published context
            content = compact_jsonld(triples)
        elif rdf_format == RdfFormat.TURTLE:
            content = turtle_bytes(triples)
        else:
            content = serialize(triples, format=rdf_format, prefixes=PREFIXES)
        if nt_written and rdf_format == RdfFormat.N_TRIPLES:
            size, digest = len(content), hashlib.sha256(content).hexdigest()
        else:
            size, digest = _write(folder / name, content)
        files.append(DumpFile(name, media_type, size, digest, len(triples)))
        packed = gzip.compress(content, compresslevel=6, mtime=0)
        size, digest = _write(folder / f"{name}.gz", packed)
        files.append(DumpFile(f"{name}.gz", media_type, size, digest, len(triples), "gzip"))
    return files
