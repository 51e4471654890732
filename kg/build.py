"""``dlbio build``: validate → convert → enrich with EDAM → SHACL → store and dumps → switch.

A build writes a complete new release folder beside the old ones and only then repoints the
``current`` symlink (an atomic rename), so a failing or interrupted build leaves the served KG
exactly as it was. Large builds use the second core (:mod:`kg.parallel`): validation beside
conversion, the shapes and the store beside the dumps.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store, Triple

from kg.citation import write_citation
from kg.convert import Converter, edam_triples
from kg.dumps import (
    DUMP_FORMATS,
    DumpFile,
    NTriplesFile,
    by_subject,
    sort_triples,
    sorted_lines,
    turtle_bytes,
    write_jsonld,
    write_ntriples,
    write_turtle,
)
from kg.edam import EDAM_VERSION, ancestry
from kg.errors import BuildFailed, DataInvalid
from kg.examples import ExampleError, example_triples
from kg.history import merge_history
from kg.namespaces import EDAM
from kg.parallel import Forked, Inline, Spawned
from kg.paths import Paths
from kg.records import Record, read_all, release_memory
from kg.release_docs import write_release_docs
from kg.schema import SchemaArtifacts, ensure_artifacts
from kg.shacl import Locator, shape_problems
from kg.validate import find_problems, validate
from kg.void import GraphSummary, void_triples

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


def graph_lines(
    records: list[Record], artifacts: SchemaArtifacts, examples: list[Triple] = ()
) -> list[str]:
    """All KG triples as N-Triples lines (``str(triple)``, unsorted, possibly repeated): the
    records, the example queries, and label and ancestry of every EDAM term used. One line per
    triple is all that is kept (:func:`kg.dumps.sorted_lines` orders them)."""
    lines: list[str] = []
    append, used = lines.append, set()
    example_statements = ((t.subject, t.predicate, t.object) for t in examples)
    for subject, predicate, obj in chain(
        Converter(artifacts).statements(records), example_statements
    ):
        append(f"{subject} {predicate} {obj}")  # the text of str(Triple(...))
        if isinstance(obj, NamedNode) and obj.value.startswith(EDAM):
            used.add(obj.value)
    terms = ancestry("edam:" + iri[len(EDAM) :] for iri in used)
    lines.extend(map(str, edam_triples(terms.values())))
    return lines


def _created() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def load_store(folder: str, ntriples: str) -> None:
    """The on-disk store of ``folder`` from an N-Triples file (run in a worker process).

    Parsed leniently, as the other dumps read it: the file is the build's own serializer output,
    its IRIs checked when the triples were made (a quarter less CPU at 100k methods)."""
    store = Store(str(Path(folder) / "store"))
    store.bulk_load(path=ntriples, format=RdfFormat.N_TRIPLES, lenient=True)
    store.flush()
    store.optimize()
    del store


def _add_void(folder: Path, void: bytes) -> None:
    store = Store(str(folder / "store"))
    store.bulk_load(void, format=RdfFormat.TURTLE)
    store.flush()
    del store


def _write_release(
    staging: Path, lines: list[str], step: Step, shapes: tuple[Path, Locator] | None
) -> BuildResult:
    """``dlbio.nt`` from the sorted lines, then the lines freed: the store (worker), the shapes
    (worker) and the other dumps (here) each read that file."""
    big = len(lines) >= WORKER_TRIPLES
    step("Converting to N-Triples (dlbio.nt)")
    nt_files, digest = write_ntriples(lines, staging)
    count, version = len(lines), digest[:12]
    lines.clear()
    release_memory()
    step("Writing dumps" + (" (store and shapes on the second core)" if big else ""))
    nt = NTriplesFile(staging / "dlbio.nt")
    where = (str(staging), str(nt.path))
    store = Spawned("kg.build", "load_store", *where) if big else Inline(load_store, *where)
    checker = None
    try:
        if shapes is not None:
            checker = (Forked if big else Inline)(shape_problems, nt, *shapes)
        graph = GraphSummary()
        files = {
            "dlbio.nt": nt_files,
            "dlbio.ttl": write_turtle(nt, staging, count),
            "dlbio.jsonld": write_jsonld(graph.watch(by_subject(nt)), staging, count),
        }
        files = [f for name in DUMP_FORMATS for f in files[name]]  # fmt: skip
        created = _created()
        void = write_void(void_triples(version, created, graph, files))
        (staging / "void.ttl").write_bytes(void)
        write_citation(staging, version, created, EDAM_VERSION)
        if checker is not None:
            step(f"Checking {count} triples against SHACL shapes")
            problems = checker.result()
            if problems:
                raise DataInvalid(problems)
        step("Loading the Oxigraph store")
        store.result()
    except BaseException:
        store.cancel()
        if checker is not None:
            checker.cancel()
        raise
    _add_void(staging, void)
    manifest = {
        "version": version,
        "created": created,
        "triples": count,
        "edam_version": EDAM_VERSION,
        "classes": dict(sorted(graph.classes.items())),
        "files": {f.name: f.as_dict() for f in files},
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return BuildResult(staging, version, count, files)


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
        release, result = _build_release(paths, artifacts, step, check_shacl)
    finally:
        artifacts.finish()
    step("Switching to the new release")
    _switch(paths, release)
    _prune(paths)
    return BuildResult(release, result.version, result.triples, result.files)


def _validated_lines(
    paths: Paths, artifacts: SchemaArtifacts, step: Step
) -> tuple[Locator, list[str]]:
    """Validate in a worker while converting here; the conversion is kept only for valid data.

    Returns the sorted unique N-Triples lines and what SHACL reports need of the records (file
    and id by IRI)."""
    step("Reading data")
    records = read_all(paths.data, paths.parse_cache)
    gc.freeze()  # the records live through conversion: the collector need not scan them again
    step(f"Validating {len(records)} records (converting to RDF alongside)")
    checker = (Forked if len(records) >= WORKER_RECORDS else Inline)(
        find_problems, records, artifacts
    )
    try:
        merged = merge_history(records)
        lines = graph_lines(merged, artifacts, query_examples(paths.queries))
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
    gc.unfreeze()
    return locator, sorted_lines(lines)


def _build_release(
    paths: Paths, artifacts: SchemaArtifacts, step: Step, shacl: bool
) -> tuple[Path, BuildResult]:
    """Check the shapes and write a complete release folder (not yet switched to)."""
    locator, lines = _validated_lines(paths, artifacts, step)
    paths.releases.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=paths.releases))
    staging.chmod(0o755)
    try:
        shapes = (artifacts.shacl, locator) if shacl else None
        result = _write_release(staging, lines, step, shapes)
        artifacts.finish()  # the schema documentation is generated beside the OWL
        write_release_docs(staging, paths.schema, artifacts.folder, paths.queries)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        release = paths.releases / f"{stamp}-{result.version}"
        staging.rename(release)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return release, result
