"""The served knowledge graph: opened once per process, attached to the app, reached by ``get_kg``.

Two sources: the built KG release directory (``DLBIO_KG_DIR``: ``manifest.json``, ``dlbio.nt``,
``void.ttl``, ``store/``) or explicit RDF files (``DLBIO_LOAD``). The data is never modified: the
endpoint only ever calls ``Store.query``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import stat
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Flask, current_app, g

from server.graph.generation import SharedGeneration
from server.runtime.procid import current_pid

EXTENSION_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdf": ox.RdfFormat.RDF_XML,
    "owl": ox.RdfFormat.RDF_XML,
    "xml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json": ox.RdfFormat.JSON_LD,
}


class KGError(RuntimeError):
    """The configured data cannot be served (missing release, unreadable file, bad RDF)."""


@dataclass
class KG:
    """What the endpoint serves: a store plus the facts that describe it."""

    version: str
    triples: int  # in the default graph
    void_ttl: bytes | None = None
    named_graphs: list[str] = field(default_factory=list)
    store_path: str | None = None  # set for a read-only on-disk store, opened per process
    release: str | None = None  # the resolved release folder (None when serving --load files)
    generation: int = 0  # when ``current`` was switched to this release (see release_target)
    _store: ox.Store | None = None
    _pid: int = 0

    @property
    def store(self) -> ox.Store:
        """The pyoxigraph store; an on-disk store is (re)opened read-only in each process."""
        if self.store_path is not None and self._pid != current_pid():
            self._store, self._pid = ox.Store.read_only(self.store_path), current_pid()
        assert self._store is not None
        return self._store


def rdf_format(path: Path) -> ox.RdfFormat:
    """Guess the RDF syntax of ``path`` from its extension (``.gz`` is looked through)."""
    suffixes = [s.lstrip(".").lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == "gz":
        suffixes.pop()
    fmt = EXTENSION_FORMATS.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise KGError(f"cannot tell the RDF format of {path.name} from its extension")
    return fmt


def _read(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KGError(f"cannot read {path}: {exc.strerror}") from exc
    return gzip.decompress(data) if path.suffix == ".gz" else data


def _memory_store(sources: Iterable[tuple[Path, bytes]]) -> ox.Store:
    """An in-memory store of the RDF ``sources`` (path, content), laid out by ``predicate_major``."""
    scratch = ox.Store()
    for path, data in sources:
        try:
            scratch.load(data, format=rdf_format(path), base_iri=path.resolve().as_uri())
        except SyntaxError as exc:
            raise KGError(f"{path.name} is not valid RDF: {exc}") from exc
    return predicate_major(scratch)


def predicate_major(loaded: ox.Store) -> ox.Store:
    """A copy of ``loaded`` whose quads were inserted one predicate after another.

    pyoxigraph's in-memory store threads each quad on a list per subject, predicate, object
    and graph, and allocates the quads in insertion order. A pattern is answered by walking
    the shortest list among its bound terms, which for a scan is usually its predicate's;
    inserted predicate by predicate, that list's nodes lie next to each other in memory instead
    of being scattered across the whole heap (``bench/endpoint/README.md``: GROUP BY over the
    200k graph's ``rdf:type`` triples ran at twice the throughput in-process, 1.3× through the
    endpoint; a subject's quads are the ones now spread out, ~1 µs more per lookup). Quads,
    blank nodes and named graphs (empty ones too) are kept as they are. The copy is made store
    to store, so loading needs no Python list of the whole graph.
    """
    store = ox.Store()
    for graph in loaded.named_graphs():
        store.add_graph(graph)
    for predicate in sorted(_predicates(loaded), key=lambda node: node.value):
        store.extend(loaded.quads_for_pattern(None, predicate, None))
    return store


def _predicates(store: ox.Store) -> set[ox.NamedNode]:
    rows = store.query("SELECT DISTINCT ?p { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
    return {row[0] for row in rows}


def _summary(store: ox.Store) -> tuple[int, list[str]]:
    """The number of triples in the default graph and the sorted named graph IRIs."""
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    count = next(iter(store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))["n"]
    return int(count.value), graphs


def load_files(paths: list[str]) -> KG:
    """Serve explicit RDF files; named graphs of N-Quads/TriG are kept.

    The version is derived from the files' content, so it changes when any file changes.
    """
    digest = hashlib.sha256()

    def contents() -> Iterator[tuple[Path, bytes]]:
        for name in paths:
            path = Path(name)
            data = _read(path)
            digest.update(data)
            yield path, data

    store = _memory_store(contents())
    triples, graphs = _summary(store)
    return KG(version=digest.hexdigest()[:16], triples=triples, named_graphs=graphs, _store=store)


def _manifest(kg_dir: Path) -> dict[str, Any]:
    path = kg_dir / "manifest.json"
    if not path.is_file():
        raise KGError(
            f"no KG release at {kg_dir} (manifest.json missing): run `dlbio build` "
            "or serve files with --load"
        )
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KGError(f"unreadable manifest.json in {kg_dir}: {exc}") from exc


def release_target(kg_dir: str) -> tuple[str, int]:
    """Where ``kg_dir`` points now, and its generation: the switch time of the symlink.

    ``dlbio build`` replaces the ``current`` symlink atomically, so the symlink's own mtime
    orders switches (a switch back to an older release is a new, later generation). A plain
    folder has generation 0. The pair is read consistently even while a switch happens.
    """
    while True:
        try:
            before = os.lstat(kg_dir)
        except OSError:
            return os.path.realpath(kg_dir), 0
        target = os.path.realpath(kg_dir)
        after = os.lstat(kg_dir)
        if (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns):
            return target, after.st_mtime_ns if stat.S_ISLNK(after.st_mode) else 0


def load_release(kg_dir: str, mode: str = "memory", generation: int = 0) -> KG:
    """Serve a built KG release: ``dlbio.nt`` plus ``void.ttl`` in the default graph.

    ``mode="memory"`` loads them into an in-memory store (fastest queries, shared by forked
    workers); ``mode="disk"`` opens the release's ``store/`` read-only in each worker.
    """
    root = Path(kg_dir).resolve()  # pin the release: ``current`` may move on later
    manifest = _manifest(root)
    version = str(manifest.get("version") or "unversioned")
    void_path = root / "void.ttl"
    void_ttl = void_path.read_bytes() if void_path.is_file() else None
    if mode == "disk":
        triples, graphs = _summary(ox.Store.read_only(str(root / "store")))
        return KG(version, triples, void_ttl, graphs, store_path=str(root / "store"),
                  release=str(root), generation=generation)
    if mode != "memory":
        raise KGError(f"DLBIO_STORE must be 'memory' or 'disk', not {mode!r}")
    files = [root / name for name in ("dlbio.nt", "void.ttl") if (root / name).is_file()]
    store = _memory_store((path, _read(path)) for path in files)
    triples, graphs = _summary(store)
    return KG(version, triples, void_ttl, graphs, _store=store, release=str(root),
              generation=generation)


class Reloader:
    """Follows ``DLBIO_KG_DIR`` (the ``current`` symlink) to new releases, off the request path.

    A daemon thread per worker (started by the worker's first request: threads do not survive
    the front's fork) checks where the folder points every ``interval`` seconds; when it moves it
    loads the new release completely, then swaps the app's KG in one assignment. Requests pin
    the KG they started with (``current_kg``), so each response is wholly old or wholly new. A
    release that fails to load is skipped and the old one stays served. A worker that learns
    from the shared generation that a sibling already serves a newer release catches up at once
    (``catch_up``), on the request that noticed.
    """

    def __init__(self, app: Flask, interval: float) -> None:
        self.app, self.interval = app, interval
        self.failed: set[str] = set()
        self._pid = 0
        self._lock = threading.Lock()  # one load at a time; catching up waits for a running one

    def ensure_thread(self) -> None:
        """Start this process's watcher thread if it is not running yet."""
        if self._pid != current_pid():
            self._pid = current_pid()
            threading.Thread(target=self._watch, name="dlbio-reloader", daemon=True).start()

    def _watch(self) -> None:
        while True:
            time.sleep(self.interval)
            self.check()

    def check(self) -> bool:
        """Switch to the release ``DLBIO_KG_DIR`` now points to, if it moved; True if switched."""
        with self._lock:
            return self._switch()

    def catch_up(self, generation: int) -> KG:
        """Load what ``current`` points to now if this process holds a generation older than
        ``generation`` (waiting for a load already under way); the KG to serve afterwards."""
        with self._lock:
            if self.app.extensions["dlbio_kg"].generation < generation:
                self._switch()
            return self.app.extensions["dlbio_kg"]

    def _switch(self) -> bool:
        target, generation = release_target(self.app.config["DLBIO_KG_DIR"])
        served = self.app.extensions["dlbio_kg"]
        if target == served.release or target in self.failed:
            if target == served.release and generation > served.generation:
                served.generation = generation  # switched back and forth: same data, newer
            return False
        try:
            kg = load_release(target, self.app.config["DLBIO_STORE"], generation)
        except (KGError, OSError, ValueError) as exc:
            self.failed.add(target)
            self.app.logger.warning("not switching to %s: %s", Path(target).name, exc)
            return False
        self.app.extensions["dlbio_kg"] = kg
        return True


def init_app(app: Flask) -> None:
    """Open the configured data once (before the front forks its workers) and attach it."""
    if app.config["DLBIO_LOAD"]:
        kg = load_files(list(app.config["DLBIO_LOAD"]))
    else:
        target, generation = release_target(app.config["DLBIO_KG_DIR"])
        kg = load_release(target, app.config["DLBIO_STORE"], generation)
    app.extensions["dlbio_kg"] = kg
    if kg.release is not None and app.config["DLBIO_RELOAD_SECONDS"] > 0:
        app.extensions["dlbio_reloader"] = Reloader(app, app.config["DLBIO_RELOAD_SECONDS"])
        app.extensions["dlbio_generation"] = SharedGeneration()


def current_kg(app: Flask) -> KG:
    """The KG a new request must pin (the version barrier across workers).

    If a sibling worker has already published a newer generation, this worker catches up
    first; otherwise it publishes its own generation before serving it. Either way, no client
    sees an older release after a newer one. If catching up fails (the release cannot be
    loaded here), the worker keeps serving what it has and says so in its log.
    """
    reloader = app.extensions.get("dlbio_reloader")
    kg = app.extensions["dlbio_kg"]
    if reloader is None:
        return kg
    reloader.ensure_thread()
    shared: SharedGeneration = app.extensions["dlbio_generation"]
    published = shared.read()
    if kg.generation < published:
        kg = reloader.catch_up(published)
        if kg.generation < published:
            app.logger.warning("serving %s although a newer release is published", kg.version)
    elif kg.generation > published:
        shared.raise_to(kg.generation)
    return kg


def get_kg() -> KG:
    """The KG of the current request: pinned at first use, so a response never mixes releases."""
    if "dlbio_kg" not in g:
        g.dlbio_kg = current_kg(current_app)  # type: ignore[arg-type]
    return g.dlbio_kg
