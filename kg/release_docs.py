"""What the linked-data site needs besides the graph, written into each release by the build.

``schemadoc.json`` documents the schema's own classes, slots, enums and types as LinkML's
SchemaView reads them (cached beside the other schema artifacts, so LinkML is loaded only when the
schema changes); ``examples.json`` holds the example queries of ``queries/`` with their headers.
The server reads both from the release it serves (``server.graph.schemadoc``,
``server.site.querypage``), never the source tree.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from kg.examples import ExampleQuery, read_examples

log = logging.getLogger(__name__)

SCHEMA_DOC = "schemadoc.json"
EXAMPLES = "examples.json"
#: Bump when what :func:`schema_documentation` writes changes (the cached copy is then remade).
FORMAT = "1"
T = TypeVar("T")
KINDS = {"classes": "class", "slots": "slot", "enums": "enum", "types": "type"}


def _as_is(document: Any) -> Any:
    return document


def _words(text: str | None) -> str:
    return " ".join(str(text or "").split())


def _uri(view: Any, element: Any, kind: str) -> str:
    """The IRI the data uses for a definition (``class_uri``/``slot_uri`` by LinkML's rules)."""
    if kind in ("class", "slot"):
        return view.get_uri(element, expand=True)
    declared = element.enum_uri if kind == "enum" else element.uri
    return view.expand_curie(declared or f"{view.schema.default_prefix}:{element.name}")


def schema_documentation(schema: Path) -> dict[str, Any]:
    """The schema's header and every definition of its own (imports left out), as JSON data.

    A term: ``name``, ``kind``, ``description``, ``uri`` (the IRI the data uses), ``parent``,
    ``range``, ``mappings`` (``[skos:exactMatch|skos:broadMatch, IRI]``), ``members`` (a class's
    slots, an enum's values, the classes using a slot) and ``pattern``.
    """
    from linkml_runtime.utils.schemaview import SchemaView

    view = SchemaView(str(schema))
    header = view.schema
    classes = view.all_classes(imports=False)
    users: dict[str, list[str]] = {}
    for name, cls in classes.items():
        for slot in cls.slots:
            users.setdefault(slot, []).append(name)
    sections = {
        "classes": classes,
        "slots": view.all_slots(imports=False),
        "enums": view.all_enums(imports=False),
        "types": view.all_types(imports=False),
    }
    terms = []
    for section, elements in sections.items():
        kind = KINDS[section]
        for name, element in elements.items():
            if kind == "class":
                members = list(element.slots)
            elif kind == "enum":
                members = list(element.permissible_values)
            else:
                members = sorted(users.get(name, ()))
            terms.append({
                "name": name,
                "kind": kind,
                "description": _words(element.description),
                "uri": _uri(view, element, kind),
                "parent": getattr(element, "is_a", None) or getattr(element, "typeof", None),
                "range": getattr(element, "range", None),
                "mappings": [[f"skos:{match}Match", view.expand_curie(curie)]
                             for match in ("exact", "broad")
                             for curie in getattr(element, f"{match}_mappings", [])],
                "members": members,
                "pattern": getattr(element, "pattern", None),
            })
    values = {
        name: {view.expand_curie(pv.meaning): value
               for value, pv in enum.permissible_values.items() if pv.meaning}
        for name, enum in sections["enums"].items()
    }
    meanings = {
        view.expand_curie(pv.meaning): _words(pv.description)
        for enum in sections["enums"].values()
        for pv in enum.permissible_values.values() if pv.meaning
    }
    return {
        "id": header.id,
        "title": header.title or header.name or "",
        "description": _words(header.description),
        "version": str(header.version or ""),
        "license": header.license or "",
        "terms": terms,
        "meanings": meanings,
        "values": {name: found for name, found in values.items() if found},
    }


def _write_json(path: Path, document: Any) -> None:
    """Write ``document`` whole (a reader never sees half a file)."""
    handle, staging = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(document, out, indent=1, ensure_ascii=False)
        out.write("\n")
    os.chmod(staging, 0o644)
    os.replace(staging, path)


def cached_schema_documentation(schema: Path, artifacts: Path) -> Path:
    """The schema documentation file in the schema's artifacts folder, written if absent."""
    cached = artifacts / f"schemadoc-{FORMAT}.json"
    if not cached.exists():
        _write_json(cached, schema_documentation(schema))
    return cached


def example_documents(queries: Path | None) -> list[dict[str, Any]]:
    """The example queries (``stem``, ``header``, ``text``), none without a folder."""
    if queries is None or not queries.is_dir():
        return []
    return [{"stem": e.stem, "header": e.header, "text": e.text} for e in read_examples(queries)]


def write_release_docs(release: Path, schema: Path, artifacts: Path, queries: Path | None) -> None:
    """Write ``schemadoc.json`` and ``examples.json`` into the release folder being built."""
    documentation = cached_schema_documentation(schema, artifacts)
    (release / SCHEMA_DOC).write_bytes(documentation.read_bytes())
    _write_json(release / EXAMPLES, example_documents(queries))


@functools.lru_cache(maxsize=8)
def _read(path: str, mtime: float, build: Callable[[Any], Any]) -> Any:
    return build(json.loads(Path(path).read_text(encoding="utf-8")))


_UNREADABLE: set[str] = set()  # files already warned about


def read_release_doc(release: str | Path | None, name: str,
                     build: Callable[[Any], T] = _as_is) -> T | None:
    """``build`` of the parsed document ``name`` of a release folder, made once per version of
    the file; None when there is no release (``--load`` files) or the file is missing or
    malformed (warned once)."""
    if release is None:
        return None
    path = Path(release) / name
    try:
        return _read(str(path), path.stat().st_mtime, build)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        if str(path) not in _UNREADABLE:
            _UNREADABLE.add(str(path))
            log.warning("%s of release %s not used: %r", name, release, exc)
        return None


def _examples(documents: list[dict[str, Any]]) -> list[ExampleQuery]:
    return [ExampleQuery(d["stem"], dict(d["header"]), d["text"]) for d in documents]


def release_examples(release: str | Path | None) -> list[ExampleQuery]:
    """The example queries a release was built with; none without them."""
    return read_release_doc(release, EXAMPLES, _examples) or []
