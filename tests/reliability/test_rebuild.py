"""Rebuild under traffic: the server follows ``build/current`` to a new release atomically.

Clients query a real server serving the ``current`` symlink while (1) a build of invalid
data fails — nothing changes — and (2) a build of changed data succeeds — the worker loads the new
release off the request path and switches: no request fails, every response is wholly old or
wholly new (its ETag matches its content) and each client sees the ETag change exactly once.
With several workers the shared generation (``server.graph.generation``) keeps every client's view
monotonic: the last test fails without it (a client saw the old release again).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
import yaml
from invariants import RUNAWAY
from liveserver import live_server

from kg.build import build
from kg.errors import BuildFailed, DataInvalid
from kg.paths import Paths

QUERY = ("SELECT ?name WHERE { <https://w3id.org/dlbio/method/danq> "
         "<http://www.w3.org/2000/01/rdf-schema#label> ?name }")
CLIENTS = 4


def edit_first_method(paths: Paths, **changes: str) -> None:
    """Change fields of the first record of ``methods.yaml``."""
    path = paths.data / "methods.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    records[0].update(changes)
    path.write_text(yaml.safe_dump(records, sort_keys=False, allow_unicode=True), encoding="utf-8")


class Clients:
    """``CLIENTS`` threads querying until stopped; each records (status, ETag, name)."""

    def __init__(self, base: str) -> None:
        self.base, self.stop = base, threading.Event()
        self.seen: list[list[tuple[int, str, str]]] = [[] for _ in range(CLIENTS)]
        self.threads = [threading.Thread(target=self._run, args=(i,)) for i in range(CLIENTS)]

    def _run(self, index: int) -> None:
        while not self.stop.is_set():
            try:
                answer = requests.get(f"{self.base}/sparql", params={"query": QUERY}, timeout=30,
                                      headers={"Accept": "application/sparql-results+json"})
                name = answer.json()["results"]["bindings"][0]["name"]["value"]
                self.seen[index].append((answer.status_code, answer.headers["ETag"], name))
            except (requests.RequestException, ValueError, KeyError, IndexError) as exc:
                self.seen[index].append((0, "", repr(exc)))

    def names(self) -> set[str]:
        """Every name answered so far."""
        return {name for client in self.seen for _, _, name in client}

    def __enter__(self) -> Clients:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)


def wait_for(condition: Callable[[], bool], limit: float = 60) -> None:
    """Poll ``condition`` until true; fail after ``limit`` seconds."""
    stop = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < stop, "timed out"
        time.sleep(0.05)


def test_rebuild_under_traffic_is_atomic(fixture_paths: Paths, server_log: Path) -> None:
    build(fixture_paths, check_shacl=False)
    env = {"DLBIO_RELOAD_SECONDS": "0.2"}
    server = live_server(server_log, kg_dir=fixture_paths.current, workers=1, env=env)
    with server as base, Clients(base) as clients:
        wait_for(lambda: all(len(client) > 5 for client in clients.seen))
        edit_first_method(fixture_paths, id="method:Not A Valid ID")
        with pytest.raises((DataInvalid, BuildFailed)):
            build(fixture_paths, check_shacl=False)
        time.sleep(0.6)  # three reload periods: nothing may change
        assert clients.names() == {"DanQ"}
        edit_first_method(fixture_paths, id="method:danq", name="DanQ (rebuilt)")
        build(fixture_paths, check_shacl=False)
        wait_for(lambda: all(c and c[-1][2] == "DanQ (rebuilt)" for c in clients.seen))
        time.sleep(0.3)
    tags: dict[str, set[str]] = {}
    for client in clients.seen:
        assert {status for status, _, _ in client} == {200}, client[-3:]
        for _, etag, name in client:
            tags.setdefault(etag, set()).add(name)
        changes = sum(1 for a, b in itertools.pairwise(client) if a[1] != b[1])
        assert changes == 1 and client[0][2] == "DanQ" and client[-1][2] == "DanQ (rebuilt)"
    assert sorted(map(len, tags.values())) == [1, 1]  # two ETags, each with one content
    print(f"rebuild under traffic: {sum(map(len, clients.seen))} requests, all 200")


def test_workers_forked_after_a_switch_serve_the_new_release(
    fixture_paths: Paths, server_log: Path
) -> None:
    build(fixture_paths, check_shacl=False)
    env = {"DLBIO_RELOAD_SECONDS": "0.2"}
    server = live_server(server_log, kg_dir=fixture_paths.current, workers=2, timeout=1, env=env)
    with server as base, Clients(base) as clients:
        wait_for(lambda: all(len(client) > 5 for client in clients.seen))
        edit_first_method(fixture_paths, name="DanQ (rebuilt)")
        build(fixture_paths, check_shacl=False)
        wait_for(lambda: all(c and c[-1][2] == "DanQ (rebuilt)" for c in clients.seen))
        time.sleep(1)  # past the master's next check (it forks the workers that follow)
        switched = [len(client) for client in clients.seen]
        for _ in range(2):  # each runaway ends its worker; the master forks a fresh one
            assert requests.post(f"{base}/sparql", data={"query": RUNAWAY},
                                 timeout=30).status_code == 503
        time.sleep(0.5)
    for client, start in zip(clients.seen, switched, strict=True):
        assert {status for status, _, _ in client} == {200}
        assert {name for _, _, name in client[start:]} == {"DanQ (rebuilt)"}


def test_several_workers_switch_together(fixture_paths: Paths, server_log: Path) -> None:
    """With three workers no client sees old → new → old: the first worker to serve the new
    release raises the shared generation, and the others catch up before they answer again."""
    build(fixture_paths, check_shacl=False)
    env = {"DLBIO_RELOAD_SECONDS": "1.5"}  # wide, unaligned windows between the workers' checks
    server = live_server(server_log, kg_dir=fixture_paths.current, workers=3, env=env)
    with server as base, Clients(base) as clients:
        wait_for(lambda: all(len(client) > 20 for client in clients.seen))
        edit_first_method(fixture_paths, name="DanQ (rebuilt)")
        build(fixture_paths, check_shacl=False)
        wait_for(lambda: all(c and c[-1][2] == "DanQ (rebuilt)" for c in clients.seen))
        time.sleep(2)  # past every worker's next check
    for client in clients.seen:
        assert {status for status, _, _ in client} == {200}, client[-3:]
        names = [name for _, _, name in client]
        first_new = names.index("DanQ (rebuilt)")
        assert set(names[first_new:]) == {"DanQ (rebuilt)"}, "a client saw the old release again"
        assert sum(1 for a, b in itertools.pairwise(client) if a[1] != b[1]) == 1
    print(f"rebuild under traffic, 3 workers: {sum(map(len, clients.seen))} requests, all 200")
