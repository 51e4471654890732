"""``dlbio build``: validate → convert → enrich with EDAM → SHACL → store and dumps → switch.

A build writes a complete new release folder beside the old ones and only then repoints the
``current`` symlink (an atomic rename), so a failing or interrupted build leaves the served KG
exactly as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store, Triple

from kg.citation import write_citation
from kg.convert import Converter, edam_triples
from kg.dumps import DumpFile, ntriples_bytes, sort_triples, turtle_bytes, write_dumps
from kg.edam import EDAM_VERSION, ancestry
from kg.errors import BuildFailed
from kg.examples import ExampleError, example_triples
from kg.history import merge_history
from kg.namespaces import EDAM
from kg.paths import Paths
from kg.records import Record, read_all
from kg.schema import SchemaArtifacts, ensure_artifacts
from kg.shacl import Locator, check_shapes
from kg.validate import validate
from kg.void import class_counts, void_triples

KEEP_RELEASES = 3
Step = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    """What a successful build produced."""

    release: Path
    version: str
    triples: int
    files: list[DumpFile]


def load_and_validate(
    paths: Paths, step: Step = lambda _: None, wait: bool = True
) -> tuple[list[Record], SchemaArtifacts]:
    """Read the curated data and validate it; raises DataInvalid with located problems.

    With ``wait=False`` OWL and docs may still be generating: call ``artifacts.finish()``.
    """
    step("Generating schema artifacts")
    artifacts = ensure_artifacts(paths.schema, paths.generated, wait=wait)
    try:
        step("Reading data")
        records = read_all(paths.data, paths.parse_cache)
        step(f"Validating {len(records)} records")
        validate(records, artifacts)
    except BaseException:
        artifacts.finish()
        raise
    return merge_history(records), artifacts


def query_examples(queries: Path | None) -> list[Triple]:
    """The example queries of ``queries/`` as SPARQL-executable resources (none without a folder)."""
    if queries is None or not queries.is_dir():
        return []
    try:
        return example_triples(queries)
    except ExampleError as exc:
        raise BuildFailed(f"example queries: {exc}") from exc


def graph_triples(
    records: list[Record], artifacts: SchemaArtifacts, examples: list[Triple] = ()
) -> list[Triple]:
    """All KG triples, sorted: the records, the example queries, and label and ancestry of every
    EDAM term used."""
    triples = [*Converter(artifacts).triples(records), *examples]
    used = {
        t.object.value
        for t in triples
        if isinstance(t.object, NamedNode) and t.object.value.startswith(EDAM)
    }
    terms = ancestry("edam:" + iri[len(EDAM) :] for iri in used)
    triples.extend(edam_triples(terms.values()))
    return sort_triples(triples)


def _created() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _write_store(folder: Path, ntriples: bytes, void: bytes) -> None:
    store = Store(str(folder / "store"))
    store.bulk_load(ntriples, format=RdfFormat.N_TRIPLES)
    store.bulk_load(void, format=RdfFormat.TURTLE)
    store.flush()
    store.optimize()
    del store


def _write_release(
    staging: Path, triples: list[Triple], ntriples: bytes, step: Step
) -> BuildResult:
    step("Writing dumps")
    files = write_dumps(triples, staging, ntriples)
    version = next(f.sha256 for f in files if f.name == "dlbio.nt")[:12]
    created = _created()
    void = write_void(void_triples(version, created, triples, files))
    (staging / "void.ttl").write_bytes(void)
    write_citation(staging, version, created, EDAM_VERSION)
    step("Loading the Oxigraph store")
    _write_store(staging, ntriples, void)
    manifest = {
        "version": version,
        "created": created,
        "triples": len(triples),
        "edam_version": EDAM_VERSION,
        "classes": dict(sorted(class_counts(triples).items())),
        "files": {f.name: f.as_dict() for f in files},
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return BuildResult(staging, version, len(triples), files)


def write_void(void: list[Triple]) -> bytes:
    """Serialize the VoID description as Turtle."""
    return turtle_bytes(sort_triples(void))


def _switch(paths: Paths, release: Path) -> None:
    link = paths.build / f".current-{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(release.relative_to(paths.build))
    os.replace(link, paths.current)


def _prune(paths: Paths, keep: int = KEEP_RELEASES) -> None:
    current = paths.current.resolve()
    releases = sorted(
        p for p in paths.releases.iterdir() if p.is_dir() and not p.name.startswith(".")
    )
    for old in releases[:-keep]:
        if old.resolve() != current:
            shutil.rmtree(old, ignore_errors=True)
    for stale in paths.releases.glob(".staging-*"):
        if time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)


def build(paths: Paths, step: Step = lambda _: None, check_shacl: bool = True) -> BuildResult:
    """Run the whole build and switch ``current`` to the new release only if every step passed."""
    records, artifacts = load_and_validate(paths, step, wait=False)
    try:
        release, result = _build_release(paths, records, artifacts, step, check_shacl)
    finally:
        artifacts.finish()
    step("Switching to the new release")
    _switch(paths, release)
    _prune(paths)
    return BuildResult(release, result.version, result.triples, result.files)


def _build_release(
    paths: Paths, records: list[Record], artifacts: SchemaArtifacts, step: Step, shacl: bool
) -> tuple[Path, BuildResult]:
    """Convert, check the shapes and write a complete release folder (not yet switched to)."""
    step("Converting to RDF")
    triples = graph_triples(records, artifacts, query_examples(paths.queries))
    ntriples = ntriples_bytes(triples)
    if shacl:
        step(f"Checking {len(triples)} triples against SHACL shapes")
        check_shapes(triples, artifacts.shacl, Locator(records, artifacts))
    paths.releases.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=paths.releases))
    staging.chmod(0o755)
    try:
        result = _write_release(staging, triples, ntriples, step)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        release = paths.releases / f"{stamp}-{result.version}"
        staging.rename(release)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return release, result
