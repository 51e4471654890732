"""Reading curated records from ``data/``: one YAML list of records per class file."""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import pickle
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml
import yaml12

from kg.errors import DataInvalid, DataProblem
from kg.parallel import Forked

#: Data file name → LinkML class of its records, in load order.
FILE_CLASSES = {
    "dataset.yaml": "SourceList",
    "versions.yaml": "ListVersion",
    "subfields.yaml": "Subfield",
    "architectures.yaml": "Architecture",
    "modalities.yaml": "DataModality",
    "frameworks.yaml": "SoftwareFramework",
    "edam.yaml": "EdamTerm",
    "papers.yaml": "Paper",
    "reviews.yaml": "Review",
    "methods.yaml": "Method",
    "resources.yaml": "Resource",
    "history.yaml": "ListingHistory",
}


@dataclass(frozen=True)
class Record:
    """A curated record with where it came from."""

    cls: str
    data: dict[str, Any]
    file: str
    index: int

    @property
    def id(self) -> str:
        """The record's CURIE, or a positional label when the id is missing."""
        value = self.data.get("id", self.data.get("entry"))
        return value if isinstance(value, str) else f"#{self.index + 1}"

    def problem(self, field: str, message: str) -> DataProblem:
        """A problem located at one field of this record."""
        return DataProblem(self.file, self.id, field, message)


#: libyaml's loader when PyYAML was built with it, else the pure-Python one (explains errors).
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Bump when what a cached parse holds changes.
CACHE_VERSION = b"2"
#: Files of at least this many characters are parsed in chunks of about CHUNK_CHARS, on two cores
#: (yaml12 needs ~25× a text's size while parsing it; a chunk's share is given back after).
CHUNKED_CHARS, CHUNK_CHARS = 1 << 20, 2 << 20
_ITEM = re.compile(r"^- ", re.MULTILINE)
_NOT_AN_ITEM = re.compile(r"^(?!- |#|[ \t]|$)", re.MULTILINE)
_LIBC = ctypes.CDLL(ctypes.util.find_library("c")) if sys.platform == "linux" else None


def _yaml_problem(name: str, text: str, exc: Exception) -> DataInvalid:
    """A located problem for malformed YAML, worded by PyYAML (line and column)."""
    try:
        yaml.load(text, Loader=SafeLoader)  # only to locate the error yaml12 found
    except yaml.YAMLError as located:
        mark = getattr(located, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(located, "problem", None) or str(located)
        return DataInvalid([DataProblem(name, "", "", f"malformed YAML: {where}{problem}")])
    return DataInvalid([DataProblem(name, "", "", f"malformed YAML: {exc}")])


def _chunks(text: str) -> list[str] | None:
    """``text`` cut before top-level ``- `` items into pieces of about CHUNK_CHARS; None unless
    the file is a plain top-level block sequence (every column-0 line an item, comment or blank)."""
    if len(text) < CHUNKED_CHARS or _NOT_AN_ITEM.search(text):
        return None
    cuts = [0]
    for item in _ITEM.finditer(text):
        if item.start() - cuts[-1] >= CHUNK_CHARS:
            cuts.append(item.start())
    cuts.append(len(text))
    return [text[a:b] for a, b in pairwise(cuts)]


def _parse_chunks(chunks: list[str]) -> list[Any] | None:
    """The items of every chunk in order, or None if a chunk does not parse (then the whole
    file is parsed again, so that the error is located in it)."""
    items: list[Any] = []
    try:
        for chunk in chunks:
            items.extend(yaml12.parse_yaml(chunk) or [])
    except ValueError:
        return None
    return items


def release_memory() -> None:
    """Give the parser's freed buffers back to the system (glibc keeps them otherwise)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _parse_text(text: str) -> Any:
    """yaml12 on the whole text, or on its chunks with half of them in a worker process."""
    chunks = _chunks(text)
    if chunks is None or len(chunks) < 2:
        return yaml12.parse_yaml(text)
    half = len(chunks) // 2
    worker = Forked(_parse_chunks, chunks[half:])
    mine = _parse_chunks(chunks[:half])
    theirs = worker.result()
    release_memory()
    if mine is None or theirs is None:
        return yaml12.parse_yaml(text)  # raises the located ValueError
    return mine + theirs


def _parse_yaml(name: str, raw: bytes) -> Any:
    """Parse with yaml12 (Rust, YAML 1.2 core schema: ~25× libyaml); PyYAML explains errors."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataInvalid([DataProblem(name, "", "", f"not UTF-8: {exc.reason}")]) from None
    try:
        return _parse_text(text)
    except ValueError as exc:
        raise _yaml_problem(name, text, exc) from None


def _read_yaml(path: Path, cache_dir: Path | None) -> Any:
    """Parse a YAML file, reusing an earlier parse of identical bytes from ``cache_dir``."""
    raw = path.read_bytes()
    if cache_dir is None:
        return _parse_yaml(path.name, raw)
    cached = cache_dir / (hashlib.sha256(CACHE_VERSION + raw).hexdigest() + ".pickle")
    if cached.exists():
        return pickle.loads(cached.read_bytes())  # our own build cache, written above
    content = _parse_yaml(path.name, raw)
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.tmp")
    partial.write_bytes(pickle.dumps(content, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(partial, cached)
    return content


def read_file(path: Path, cls: str, cache_dir: Path | None = None) -> list[Record]:
    """Read one data file; it must hold a YAML list of mappings."""
    content = _read_yaml(path, cache_dir)
    if content is None:
        return []
    if not isinstance(content, list):
        raise DataInvalid([DataProblem(path.name, "", "", "expected a YAML list of records")])
    problems = [
        DataProblem(path.name, f"#{i + 1}", "", "expected a mapping of field: value")
        for i, item in enumerate(content)
        if not isinstance(item, dict)
    ]
    if problems:
        raise DataInvalid(problems)
    return [Record(cls, item, path.name, i) for i, item in enumerate(content)]


def read_all(data_dir: Path, cache_dir: Path | None = None) -> list[Record]:
    """Read every class file of ``data_dir`` (missing files hold no records).

    With ``cache_dir``, parses are kept by the SHA-256 of the file's bytes, so unchanged files are
    not parsed again.
    """
    if not data_dir.is_dir():
        raise DataInvalid([DataProblem(str(data_dir), "", "", "data folder not found")])
    records: list[Record] = []
    problems: list[DataProblem] = []
    for name, cls in FILE_CLASSES.items():
        path = data_dir / name
        if not path.exists():
            continue
        try:
            records.extend(read_file(path, cls, cache_dir))
        except DataInvalid as exc:
            problems.extend(exc.problems)
    if problems:
        raise DataInvalid(problems)
    return records


def by_class(records: list[Record], *classes: str) -> Iterator[Record]:
    """Records of the given classes, in file order."""
    return (r for r in records if r.cls in classes)
