"""Deterministic dumps of the graph: sorted N-Triples, Turtle and JSON-LD, each also gzipped.

The same triples always give byte-identical files: triples are sorted, prefixes are fixed and gzip
headers carry no timestamp or file name. Turtle never holds a local name with a backslash escape
(``method:basenji\\#link-1``, valid Turtle 1.1 that Virtuoso loads with the backslash kept): such
IRIs are written in full. The dumps are streamed: N-Triples from the sorted lines, Turtle and
JSON-LD from a parse of the written N-Triples file, so no step holds the whole graph as objects.
"""

from __future__ import annotations

import hashlib
import re
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from itertools import groupby, islice
from operator import attrgetter
from pathlib import Path
from queue import Queue
from typing import Any, BinaryIO

from pyoxigraph import RdfFormat, Triple, parse, serialize

from kg.jsonld import jsonld_parts
from kg.namespaces import PREFIXES

DUMP_FORMATS = {
    "dlbio.ttl": (RdfFormat.TURTLE, "text/turtle"),
    "dlbio.nt": (RdfFormat.N_TRIPLES, "application/n-triples"),
    "dlbio.jsonld": (RdfFormat.JSON_LD, "application/ld+json"),
}
GZIP_TYPE = "application/gzip"
#: In a Turtle line: a literal with its tag or datatype (passed over whole, so nothing inside it is
#: taken for a name), or a run of non-space holding a backslash (an escaped local name).
_ESCAPED_NAME = re.compile(rb'"(?:[^"\\]|\\.)*"\S*|[^\s"]*\\[^\s"]*')
_ESCAPE = re.compile(rb"\\(.)")
_NAMESPACES = {prefix.encode(): iri.encode() for prefix, iri in PREFIXES.items()}
#: Lines per write when streaming N-Triples.
BATCH = 50_000


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


def sorted_lines(lines: list[str]) -> list[str]:
    """Unique N-Triples lines (``str(triple)``, no ``" ."``) in the order of :func:`sort_triples`;
    sorts ``lines`` in place."""
    lines.sort()
    return [line for line, _ in groupby(lines)]


def ntriples_bytes(triples: list[Triple]) -> bytes:
    """N-Triples text of the triples, one per line, in the given order (each line is
    ``f"{triple} .\\n"``, the text :func:`sort_triples` sorts by)."""
    return serialize(triples, format=RdfFormat.N_TRIPLES)


class Sink:
    """A dump file and its gzipped copy written as bytes arrive, with their sizes and SHA-256
    (open it with :func:`sink`). Hashing, compressing and writing run in a thread (zlib, hashlib
    and file writes release the GIL), so they use a core the producer leaves idle.

    The gzip bytes equal ``gzip.compress(content, 6, mtime=0)`` of the whole content."""

    def __init__(self, name: str, plain: BinaryIO, packed: BinaryIO):
        self.name, self._plain, self._packed = name, plain, packed
        self._packer = zlib.compressobj(6, zlib.DEFLATED, 31)
        self._sha, self._gz_sha = hashlib.sha256(), hashlib.sha256()
        self.size = self._gz_size = 0
        self._queue: Queue[bytes | None] = Queue(maxsize=16)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, name=f"write {name}", daemon=True)
        self._thread.start()

    def write(self, data: bytes) -> int:
        """Append ``data`` to the file and its gzipped copy."""
        self._queue.put(bytes(data))
        return len(data)

    def _drain(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._error is None:  # after an error, only empty the queue
                try:
                    self._plain.write(data)
                    self._sha.update(data)
                    self.size += len(data)
                    self._pack(self._packer.compress(data))
                except BaseException as exc:  # raised by stop() in the producer's thread
                    self._error = exc

    def _pack(self, packed: bytes) -> None:
        self._packed.write(packed)
        self._gz_sha.update(packed)
        self._gz_size += len(packed)

    def stop(self) -> None:
        """Wait until everything written is on disk; raise what the writing thread raised."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error

    def finish(self, media_type: str, triples: int) -> list[DumpFile]:
        """End the gzip stream; both files' descriptions (plain, then gzipped)."""
        self.stop()
        self._pack(self._packer.flush())
        return [
            DumpFile(self.name, media_type, self.size, self._sha.hexdigest(), triples),
            DumpFile(f"{self.name}.gz", media_type, self._gz_size, self._gz_sha.hexdigest(),
                     triples, "gzip"),
        ]  # fmt: skip

    def digest(self) -> str:
        """SHA-256 of the plain bytes (after :meth:`finish`)."""
        return self._sha.hexdigest()


@contextmanager
def sink(path: Path) -> Iterator[Sink]:
    """A :class:`Sink` writing ``path`` and ``path.gz``."""
    with path.open("wb") as plain, Path(f"{path}.gz").open("wb") as packed:
        out = Sink(path.name, plain, packed)
        try:
            yield out
        finally:
            out.stop()


def write_ntriples(lines: list[str], folder: Path) -> tuple[list[DumpFile], str]:
    """``dlbio.nt`` (and ``.gz``) from sorted unique lines; the files and the text's SHA-256."""
    with sink(folder / "dlbio.nt") as out:
        for start in range(0, len(lines), BATCH):
            out.write((" .\n".join(lines[start : start + BATCH]) + " .\n").encode())
        return out.finish(DUMP_FORMATS["dlbio.nt"][1], len(lines)), out.digest()


class NTriplesFile:
    """The triples of an N-Triples file, parsed again at each iteration (never all held)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)

    def __iter__(self) -> Iterator[Any]:
        # lenient: the file is our own serializer's output, its IRIs already checked
        return iter(parse(path=self.path, format=RdfFormat.N_TRIPLES, lenient=True))


def by_subject(triples: Iterable[Any]) -> Iterator[tuple[Any, list[Any]]]:
    """Subject and its triples, for triples sorted (so grouped) by subject."""
    for subject, group in groupby(triples, key=attrgetter("subject")):
        yield subject, list(group)


def _full_iri(match: re.Match[bytes]) -> bytes:
    """``prefix:local\\#part`` → ``<namespace-IRI local#part>``; other tokens unchanged."""
    token = match.group()
    if token[:1] in b'"<' or b":" not in token:
        return token
    prefix, _, local = token.partition(b":")
    return b"<" + _NAMESPACES[prefix] + _ESCAPE.sub(rb"\1", local) + b">"


def _fixed(text: bytes) -> bytes:
    """Whole lines of Turtle with every escaped local name written as a full IRI."""
    if b"\\" not in text:
        return text
    lines = text.split(b"\n")
    return b"\n".join(_ESCAPED_NAME.sub(_full_iri, ln) if b"\\" in ln else ln
                      for ln in lines)  # fmt: skip


class _TurtleFix:
    """A binary writer for pyoxigraph's Turtle serializer: fixes whole lines, passes them on."""

    def __init__(self, write: Callable[[bytes], Any]):
        self._write, self._pending = write, b""

    def write(self, data: bytes) -> int:
        text = self._pending + bytes(data)
        end = text.rfind(b"\n") + 1
        self._pending = text[end:]
        if end:
            self._write(_fixed(text[:end]))
        return len(data)

    def flush(self) -> None:
        """Nothing buffered below whole lines (the rest is written by :meth:`close`)."""

    def close(self) -> None:
        if self._pending:
            self._write(_fixed(self._pending))
            self._pending = b""


def _turtle(triples: Iterable[Any], write: Callable[[bytes], Any]) -> None:
    fixer = _TurtleFix(write)
    serialize(triples, output=fixer, format=RdfFormat.TURTLE, prefixes=PREFIXES)
    fixer.close()


def turtle_bytes(triples: Iterable[Triple]) -> bytes:
    """Turtle with our prefixes, every IRI whose local name would need an escape written in full."""
    parts: list[bytes] = []
    _turtle(triples, parts.append)
    return b"".join(parts)


def write_turtle(triples: Iterable[Any], folder: Path, count: int) -> list[DumpFile]:
    """``dlbio.ttl`` (and ``.gz``) from sorted triples, streamed."""
    with sink(folder / "dlbio.ttl") as out:
        _turtle(triples, out.write)
        return out.finish(DUMP_FORMATS["dlbio.ttl"][1], count)


def write_jsonld(
    groups: Iterable[tuple[Any, list[Any]]], folder: Path, count: int
) -> list[DumpFile]:
    """``dlbio.jsonld`` (and ``.gz``) compacted with the published context, node by node."""
    parts = jsonld_parts(groups)
    with sink(folder / "dlbio.jsonld") as out:
        while chunk := "".join(islice(parts, 2_000)):
            out.write(chunk.encode())
        return out.finish(DUMP_FORMATS["dlbio.jsonld"][1], count)
