"""``dlbio build``: validate → convert → enrich with EDAM → SHACL → store and dumps → switch.

A build writes a complete new release folder beside the old ones and only then repoints the
``current`` symlink (an atomic rename), so a failing or interrupted build leaves the served KG
exactly as it was. Large builds use the second core (:mod:`kg.parallel`): validation beside
conversion, the shapes and the store beside the dumps.
"""

from __future__ import annotations

import gc
import hashlib
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
from kg.errors import BuildFailed, DataInvalid
from kg.examples import ExampleError, example_triples
from kg.history import merge_history
from kg.namespaces import EDAM
from kg.parallel import Forked, Inline, Spawned
from kg.paths import Paths
from kg.records import Record, read_all
from kg.schema import SchemaArtifacts, ensure_artifacts
from kg.shacl import Locator, shape_problems
from kg.validate import find_problems, validate
from kg.void import class_counts, void_triples

KEEP_RELEASES = 3
#: Below these sizes workers cost more than they save (a process start is ~0.2 s): run inline.
WORKER_RECORDS, WORKER_TRIPLES = 5_000, 200_000
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
    return sort_triples(unsorted_triples(records, artifacts, examples))


def unsorted_triples(
    records: list[Record], artifacts: SchemaArtifacts, examples: list[Triple] = ()
) -> list[Triple]:
    """The triples of :func:`graph_triples` before sorting (possibly with duplicates)."""
    triples = [*Converter(artifacts).triples(records), *examples]
    used = {
        t.object.value
        for t in triples
        if isinstance(t.object, NamedNode) and t.object.value.startswith(EDAM)
    }
    terms = ancestry("edam:" + iri[len(EDAM) :] for iri in used)
    triples.extend(edam_triples(terms.values()))
    return triples


def _created() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def load_store(folder: str, ntriples: str) -> None:
    """The on-disk store of ``folder`` from an N-Triples file (run in a worker process)."""
    store = Store(str(Path(folder) / "store"))
    store.bulk_load(path=ntriples, format=RdfFormat.N_TRIPLES)
    store.flush()
    store.optimize()
    del store


def _add_void(folder: Path, void: bytes) -> None:
    store = Store(str(folder / "store"))
    store.bulk_load(void, format=RdfFormat.TURTLE)
    store.flush()
    del store


def _write_release(
    staging: Path,
    triples: list[Triple],
    ntriples: bytes,
    step: Step,
    shapes: Forked | Inline | None,
) -> BuildResult:
    """Dumps here, the store in a worker; the shapes' verdict is awaited before the store is."""
    big = len(triples) >= WORKER_TRIPLES
    step("Writing dumps" + (" (store and shapes on the second core)" if big else ""))
    (staging / "dlbio.nt").write_bytes(ntriples)
    where = (str(staging), str(staging / "dlbio.nt"))
    store = Spawned("kg.build", "load_store", *where) if big else Inline(load_store, *where)
    try:
        files = write_dumps(triples, staging, ntriples, nt_written=True)
        version = hashlib.sha256(ntriples).hexdigest()[:12]
        created = _created()
        void = write_void(void_triples(version, created, triples, files))
        (staging / "void.ttl").write_bytes(void)
        write_citation(staging, version, created, EDAM_VERSION)
        if shapes is not None:
            step(f"Checking {len(triples)} triples against SHACL shapes")
            problems = shapes.result()
            if problems:
                raise DataInvalid(problems)
        step("Loading the Oxigraph store")
        store.result()
    except BaseException:
        store.cancel()
        raise
    _add_void(staging, void)
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
    step("Generating schema artifacts")
    artifacts = ensure_artifacts(paths.schema, paths.generated, wait=False)
    try:
        locator, triples = _validated_triples(paths, artifacts, step)
        release, result = _build_release(paths, locator, triples, artifacts, step, check_shacl)
    finally:
        artifacts.finish()
    step("Switching to the new release")
    _switch(paths, release)
    _prune(paths)
    return BuildResult(release, result.version, result.triples, result.files)


def _validated_triples(
    paths: Paths, artifacts: SchemaArtifacts, step: Step
) -> tuple[Locator, list[Triple]]:
    """Validate in a worker while converting here; the conversion is kept only for valid data.

    Returns the triples and what SHACL reports need of the records (file and id by IRI)."""
    step("Reading data")
    records = read_all(paths.data, paths.parse_cache)
    gc.freeze()  # the records live through conversion: the collector need not scan them again
    step(f"Validating {len(records)} records (converting to RDF alongside)")
    checker = (Forked if len(records) >= WORKER_RECORDS else Inline)(
        find_problems, records, artifacts
    )
    try:
        merged = merge_history(records)
        triples = unsorted_triples(merged, artifacts, query_examples(paths.queries))
    except Exception as exc:  # invalid data may break conversion: the validator says why
        problems = checker.result()
        if problems:
            raise DataInvalid(problems) from None
        raise exc
    problems = checker.result()
    if problems:
        raise DataInvalid(problems)
    locator = Locator(merged, artifacts)
    del records, merged  # freed before the sort, the build's largest moment
    return locator, sort_triples(triples)


def _build_release(
    paths: Paths,
    locator: Locator,
    triples: list[Triple],
    artifacts: SchemaArtifacts,
    step: Step,
    shacl: bool,
) -> tuple[Path, BuildResult]:
    """Check the shapes and write a complete release folder (not yet switched to)."""
    gc.freeze()  # likewise the triples
    step("Converting to N-Triples")
    ntriples = ntriples_bytes(triples)
    worker = Forked if len(triples) >= WORKER_TRIPLES else Inline
    shapes = worker(shape_problems, triples, artifacts.shacl, locator) if shacl else None
    paths.releases.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=paths.releases))
    staging.chmod(0o755)
    try:
        result = _write_release(staging, triples, ntriples, step, shapes)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        release = paths.releases / f"{stamp}-{result.version}"
        staging.rename(release)
    except BaseException:
        if shapes is not None:
            shapes.cancel()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return release, result
