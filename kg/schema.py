"""The LinkML schema and what the build generates from it.

Generated artifacts (JSON Schema, SHACL shapes, OWL, Markdown docs and a slot/class URI index)
go to ``build/schema/``, keyed by the schema file's SHA-256 so they are regenerated exactly when
the schema changes and LinkML (slow to import) is loaded only then, and of its generators only
the four used. What the build needs (JSON Schema, shapes, index) is generated in-process; OWL,
docs and the site's schema documentation in a child process forked once LinkML is imported, on
the other core.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

INDEX_FILE = "index.json"
#: Written last by the second process, once the OWL and the docs are in place.
EXTRAS_DONE = "extras.done"
#: Bump when what ``_generate`` writes changes, so cached artifacts are regenerated.
GENERATOR_VERSION = "4"


@dataclass(frozen=True)
class SlotInfo:
    """What the converter needs to know of one slot of one class."""

    uri: str
    range: str
    multivalued: bool


@dataclass(frozen=True)
class SchemaArtifacts:
    """Generated artifacts of one schema version."""

    folder: Path
    digest: str
    json_schema: dict[str, Any]
    class_uris: dict[str, str]
    slots: dict[str, dict[str, SlotInfo]]
    ancestors: dict[str, list[str]]
    enum_meanings: dict[str, dict[str, str]]
    relation_chains: dict[str, list[str]]
    pending: Extras | None = field(default=None, compare=False, repr=False)

    def finish(self) -> None:
        """Wait for the OWL and docs being generated in the background; raise if that failed."""
        if self.pending is not None:
            self.pending.wait()

    def is_a(self, cls: str, ancestor: str) -> bool:
        """Whether ``cls`` is ``ancestor`` or one of its subclasses."""
        return ancestor in self.ancestors.get(cls, [cls])

    @property
    def shacl(self) -> Path:
        """SHACL shapes (Turtle)."""
        return self.folder / "dlbio.shacl.ttl"


def schema_digest(schema: Path) -> str:
    """SHA-256 of the schema file and the generator version."""
    return hashlib.sha256(GENERATOR_VERSION.encode() + schema.read_bytes()).hexdigest()


def _index(schema: Path) -> dict[str, Any]:
    from linkml_runtime.utils.schemaview import SchemaView

    view = SchemaView(str(schema))
    classes: dict[str, Any] = {}
    for name, cls in view.all_classes().items():
        slots = {
            s.name: {
                "uri": view.get_uri(s, expand=True),
                "range": s.range or "string",
                "multivalued": bool(s.multivalued),
            }
            for s in view.class_induced_slots(name)
        }
        classes[name] = {
            "uri": view.get_uri(cls, expand=True),
            "ancestors": sorted(view.class_ancestors(name)),
            "slots": slots,
        }
    enums = {
        name: {value: pv.meaning for value, pv in enum.permissible_values.items() if pv.meaning}
        for name, enum in view.all_enums().items()
    }
    kinds = view.get_enum("RelationKind")
    chains = {
        kind: [kind, *(s for s in view.slot_ancestors(kind, reflexive=False))]
        for kind in (kinds.permissible_values if kinds else {})
    }
    return {"classes": classes, "enums": enums, "relation_chains": chains}


GENERATORS = "linkml.generators"


def _generator(module: str, name: str) -> type:
    """LinkML's generator class ``name`` from ``linkml.generators.<module>``."""
    _lazy_generators_package()
    return getattr(importlib.import_module(f"{GENERATORS}.{module}"), name)


def _lazy_generators_package() -> None:
    """Register ``linkml.generators`` with each name its ``__init__`` imports resolved on first
    use (PEP 562), instead of running that ``__init__``.

    It imports all ~20 generators (SQLAlchemy's, pydantic's, ...): 0.5 s of a cold build, which
    uses four (the docs generator imports two more names from the package). The lazy package is
    used only when the ``__init__`` consists of ``from linkml.generators.<m> import <Name>``
    lines and ``__all__``, so every name the ``__init__`` imports resolves (``import *`` is not
    offered); otherwise (a changed LinkML) the package is imported as it is.
    """
    if GENERATORS in sys.modules:
        return
    spec = importlib.util.find_spec(GENERATORS)
    exports = _lazy_exports(Path(spec.origin).read_text(encoding="utf-8"))
    if exports is None:
        importlib.import_module(GENERATORS)
        return
    package = importlib.util.module_from_spec(spec)

    def __getattr__(name: str) -> Any:
        if name not in exports:
            raise AttributeError(f"module {GENERATORS!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(exports[name]), name)
        setattr(package, name, value)
        return value

    package.__getattr__ = __getattr__
    sys.modules[GENERATORS] = package


def _lazy_exports(init: str) -> dict[str, str] | None:
    """``{name: module}`` of a package ``__init__`` made only of a docstring, ``from ... import
    name`` lines and ``__all__``; None for anything else."""
    exports = {}
    for node in ast.parse(init).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            exports.update({alias.asname or alias.name: node.module for alias in node.names})
        elif isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["__all__"]:
            continue
        elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            return None
    return exports


def _generate(schema: Path, folder: Path) -> None:
    """What the build needs: JSON Schema, SHACL shapes and the index."""
    source = str(schema)
    json_schema = _generator("jsonschemagen", "JsonSchemaGenerator")(source)
    shapes = _generator("shaclgen", "ShaclGenerator")(source)
    (folder / "dlbio.schema.json").write_text(json_schema.serialize())
    (folder / "dlbio.shacl.ttl").write_text(shapes.serialize())
    (folder / INDEX_FILE).write_text(json.dumps(_index(schema), indent=1, sort_keys=True))


def generate_extras(schema: Path, folder: Path) -> None:
    """OWL, Markdown docs and the site's schema documentation into ``folder`` (each moved in
    place whole), then the done mark."""
    from kg.release_docs import cached_schema_documentation

    source = str(schema)
    staging = Path(tempfile.mkdtemp(prefix=".extras-", dir=folder))
    owl = _generator("owlgen", "OwlSchemaGenerator")(
        source,
        consolidate_cardinality_axioms=True,
        skip_vacuous_min_zero_cardinality_axioms=True,
        skip_vacuous_local_range_axioms=True,
    )
    (staging / "dlbio.owl.ttl").write_text(owl.serialize())
    docs = _generator("docgen", "DocGenerator")(source, mergeimports=False)
    docs.serialize(directory=str(staging / "docs"))
    os.replace(staging / "dlbio.owl.ttl", folder / "dlbio.owl.ttl")
    shutil.rmtree(folder / "docs", ignore_errors=True)
    os.replace(staging / "docs", folder / "docs")
    staging.rmdir()
    cached_schema_documentation(schema, folder)
    (folder / EXTRAS_DONE).write_text("")


def _generate_into(schema: Path, folder: Path) -> None:
    """Generate in a staging folder, then move each file in place, the index last."""
    staging = Path(tempfile.mkdtemp(prefix=".gen-", dir=folder))
    try:
        _generate(schema, staging)
        for name in ("dlbio.schema.json", "dlbio.shacl.ttl", INDEX_FILE):
            os.replace(staging / name, folder / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


class Extras:
    """``generate_extras`` in a child forked once LinkML is imported, so the child does not pay
    for importing it again (~1 s of a cold build's critical path); ``wait`` is idempotent."""

    def __init__(self, schema: Path, folder: Path) -> None:
        from kg.parallel import Forked

        _generator("jsonschemagen", "JsonSchemaGenerator")  # LinkML imported once, shared

        self._child: Forked | None = Forked(generate_extras, schema, folder)

    def wait(self) -> None:
        """Wait for the child; raises BuildFailed if it failed."""
        child, self._child = self._child, None
        if child is not None:
            child.result()

    def stop(self) -> None:
        """Stop the child (the build failed elsewhere)."""
        child, self._child = self._child, None
        if child is not None:
            child.cancel()


def _load(folder: Path, digest: str, pending: Extras | None) -> SchemaArtifacts:
    document = json.loads((folder / INDEX_FILE).read_text())
    index = document["classes"]
    slots = {
        cls: {name: SlotInfo(**info) for name, info in body["slots"].items()}
        for cls, body in index.items()
    }
    return SchemaArtifacts(
        folder=folder,
        digest=digest,
        json_schema=json.loads((folder / "dlbio.schema.json").read_text()),
        class_uris={cls: body["uri"] for cls, body in index.items()},
        slots=slots,
        ancestors={cls: body["ancestors"] for cls, body in index.items()},
        enum_meanings=document["enums"],
        relation_chains=document.get("relation_chains", {}),
        pending=pending,
    )


def ensure_artifacts(schema: Path, out_root: Path, wait: bool = True) -> SchemaArtifacts:
    """Return the artifacts of ``schema``, generating them into ``out_root/<digest>`` if absent.

    OWL and docs are generated by a second process; with ``wait=False`` the caller calls
    :meth:`SchemaArtifacts.finish` when it needs them (the build: before switching).
    """
    digest = schema_digest(schema)
    folder = out_root / digest[:16]
    pending = None
    if not (folder / EXTRAS_DONE).exists():
        folder.mkdir(parents=True, exist_ok=True)
        pending = Extras(schema, folder)
    if not (folder / INDEX_FILE).exists():
        try:
            _generate_into(schema, folder)
        except BaseException:
            if pending is not None:
                pending.stop()
            raise
    artifacts = _load(folder, digest, pending)
    if wait:
        artifacts.finish()
    return artifacts
