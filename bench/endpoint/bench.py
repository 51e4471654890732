"""Endpoint benchmark: one fixed workload, run with wrk against three servers on the same data.

Servers: this project's endpoint (result cache off = "cold", and on = "cached"), the native
``oxigraph serve-read-only`` and ``rdflib-endpoint``. Datasets: the built KG release (if present)
and a synthetic KG-shaped graph of 200k triples. Run through ``run.sh`` (installs the tools).

    python bench/endpoint/bench.py --tools bench/work/venv/bin --out bench/endpoint/RESULTS.md
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WORK = ROOT / "bench" / "work"
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

RESULTS_JSON = "application/sparql-results+json"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@dataclass
class Dataset:
    """Files to serve (all in the default graph) and, for our server, how to serve them."""

    name: str
    files: list[Path]
    triples: int = 0
    kg_dir: Path | None = None


@dataclass
class Server:
    """A server under test: how to start it and where its endpoint is."""

    name: str
    command: list[str]
    port: int
    path: str = "/sparql"
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The endpoint URL."""
        return f"http://127.0.0.1:{self.port}{self.path}"

    def start(self, timeout: float = 300) -> None:
        """Start the server and wait until it answers ASK {}."""
        log = (WORK / f"{self.name}.log").open("wb")
        self.process = subprocess.Popen(self.command, cwd=ROOT, stdout=log, stderr=log,
                                        env={**os.environ, **self.env})
        stop = time.monotonic() + timeout
        while time.monotonic() < stop:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {log.name}")
            try:
                fetch(self.url, "ASK {}", RESULTS_JSON)
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not start")

    def stop(self) -> None:
        """Stop the server (its own process only)."""
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def query_url(endpoint: str, query: str) -> str:
    """A GET URL for ``query``."""
    return endpoint + "?" + urllib.parse.urlencode({"query": query})


def fetch(endpoint: str, query: str, accept: str, timeout: float = 300) -> bytes:
    """Run one query (GET) and return the body; raises on a non-2xx answer."""
    request = urllib.request.Request(query_url(endpoint, query), headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def workload(dataset: Dataset) -> list[tuple[str, str, str]]:
    """The seven queries (name, query, Accept), made concrete for the dataset's content."""
    store = ox.Store()
    for path in dataset.files:
        store.load(path=str(path))
    dataset.triples = len(store)
    top = next(iter(store.query(
        f"SELECT ?c (COUNT(*) AS ?n) {{ ?s a ?c ; <{LABEL}> ?l }} GROUP BY ?c "
        "ORDER BY DESC(?n) ?c LIMIT 1")))
    cls = top["c"].value
    subject = next(iter(store.query(
        f"SELECT ?s {{ ?s a <{cls}> ; <{LABEL}> ?l }} ORDER BY ?s LIMIT 1")))["s"].value
    return [
        ("property lookup", f"SELECT ?p ?o WHERE {{ <{subject}> ?p ?o }}", RESULTS_JSON),
        ("join + filter", f"SELECT ?s ?label ?o WHERE {{ ?s a <{cls}> ; <{LABEL}> ?label ; ?p ?o "
                          "FILTER(isIRI(?o) && STRLEN(?label) > 6) } LIMIT 100", RESULTS_JSON),
        ("GROUP BY", "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c "
                     "ORDER BY DESC(?n)", RESULTS_JSON),
        ("text filter", "SELECT ?s ?text WHERE { ?s ?p ?text FILTER(isLiteral(?text) && "
                        "CONTAINS(LCASE(STR(?text)), \"net\")) } LIMIT 50", RESULTS_JSON),
        ("CONSTRUCT", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s a <{cls}> ; ?p ?o }} LIMIT 2000",
         TURTLE),
        ("ASK", f"ASK {{ ?s a <{cls}> ; <{LABEL}> ?label }}", RESULTS_JSON),
        ("full dump", "CONSTRUCT WHERE { ?s ?p ?o }", NTRIPLES),
    ]


def servers(dataset: Dataset, tools: Path, rdflib: bool) -> list[Server]:
    """Native oxigraph and ours (what ``dlbio serve`` runs) cold and cached, each on its own
    port; rdflib-endpoint too when asked."""
    ours = [sys.executable, "-c"]
    source = (f"kg_dir={str(dataset.kg_dir)!r}" if dataset.kg_dir
              else f"load={[str(p) for p in dataset.files]!r}")
    run = f"from server.runtime.serve import run; run(port={{port}}, {source})"
    oxi_dir = WORK / f"oxigraph-{dataset.name}"
    if not oxi_dir.exists():
        for path in dataset.files:
            subprocess.run([str(tools / "oxigraph"), "load", "--location", str(oxi_dir),
                            "--file", str(path)], check=True, capture_output=True)
    cold, cached, native, other = (free_port() for _ in range(4))
    found = [
        Server("native", [str(tools / "oxigraph"), "serve-read-only", "--location", str(oxi_dir),
                          "--bind", f"127.0.0.1:{native}"], native, path="/query"),
        Server("ours-cold", [*ours, run.format(port=cold)], cold, env={"DLBIO_CACHE_BYTES": "0"}),
        Server("ours-cached", [*ours, run.format(port=cached)], cached),
    ]
    if rdflib:
        found.append(Server("rdflib-endpoint", [str(tools / "rdflib-endpoint"), "serve", "--host",
                                                "127.0.0.1", "--port", str(other),
                                                *map(str, dataset.files)], other, path="/"))
    return found


def wrk(url: str, accept: str, seconds: int, connections: int) -> dict[str, float]:
    """Run wrk on one GET URL; requests/s, mean latency (ms) and failed responses."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s",
               "-H", f"Accept: {accept}", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s*([\d.]+)", output).group(1))
    failed = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", output)
    errors = re.search(r"Socket errors:.*timeout (\d+)", output)
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return {
        "rps": rate,
        "latency_ms": float(latency.group(1)) * scale[latency.group(2)] if latency else 0.0,
        "failed": int(failed.group(1)) if failed else 0,
        "timeouts": int(errors.group(1)) if errors else 0,
    }


FLOOR_QUERIES = {  # the cold small queries each floor is measured on
    "http-floor": ("property lookup",),
    "engine-floor": ("property lookup", "ASK"),
}


def floor_servers(dataset: Dataset) -> list[Server]:
    """The floors (``floor.py``) under granian with our worker settings: the trivial WSGI app,
    and the engine-only app on ``dataset``."""
    from server.runtime.serve import default_workers
    from server.settings import SETTINGS

    rust, engine = free_port(), free_port()

    def granian(port: int, app: str) -> list[str]:
        command = [sys.executable, "-m", "granian", "--interface", "wsgi", "--working-dir",
                   str(HERE), "--host", "127.0.0.1", "--port", str(port), "--workers",
                   str(default_workers()), "--blocking-threads",
                   str(SETTINGS["DLBIO_THREADS"][0]), "--log-level", "warning", app]
        if SETTINGS["DLBIO_BATCH_SCHEDULING"][0] and shutil.which("chrt"):  # our workers' policy
            command = ["chrt", "--batch", "0", *command]
        return command

    files = os.pathsep.join(str(path) for path in dataset.files)
    return [Server("http-floor", granian(rust, "floor:app"), rust),
            Server("engine-floor", granian(engine, "floor:engine_app"), engine,
                   env={"DLBIO_BENCH_FILES": files})]


def bench_dataset(dataset: Dataset, tools: Path, seconds: int, connections: int,
                  rdflib: bool = False) -> dict:
    """Start every server, then run each query against each server in turn (interleaved, so a
    change in background load hits all servers alike)."""
    queries = workload(dataset)
    started = [*servers(dataset, tools, rdflib), *floor_servers(dataset)]
    results: dict[str, dict[str, dict[str, float]]] = {s.name: {} for s in started}
    load = [os.getloadavg()[0]]
    try:
        for server in started:
            print(f"[{dataset.name}] starting {server.name}", flush=True)
            server.start()
        for name, query, accept in queries:
            for server in started:
                if name not in FLOOR_QUERIES.get(server.name, (name,)):
                    continue
                began = time.monotonic()
                fetch(server.url, query, accept)  # warm-up (and fills our cache)
                warmup = time.monotonic() - began
                # slow answers: fewer connections, longer runs, so requests complete in the window
                slow = warmup > 0.25
                cell = wrk(query_url(server.url, query), accept,
                           max(seconds, min(60, math.ceil(8 * warmup))) if slow else seconds,
                           2 if slow else connections)
                cell["warmup_s"] = warmup
                results[server.name][name] = cell
                print(f"  {name:16} {server.name:16} {cell}", flush=True)
    finally:
        for server in started:
            server.stop()
    load.append(os.getloadavg()[0])
    return {"dataset": dataset.name, "triples": dataset.triples, "results": results,
            "queries": [(n, q, a) for n, q, a in queries], "load": load}


def datasets(synthetic: int) -> list[Dataset]:
    """The built KG release (copied, so a rebuild cannot change it mid-run) and a synthetic one."""
    found = []
    release = ROOT / "build" / "current"
    if (release / "manifest.json").is_file():
        version = json.loads((release / "manifest.json").read_text())["version"]
        copy = WORK / f"kg-{version}"
        if not copy.exists():
            shutil.copytree(release.resolve(), copy)
        found.append(Dataset("real KG", [copy / "dlbio.nt", copy / "void.ttl"], kg_dir=copy))
    path = WORK / f"synthetic-{synthetic}.nt"
    if not path.exists():
        path.write_text("\n".join(generate(synthetic)) + "\n", encoding="utf-8")
    found.append(Dataset(f"synthetic {synthetic // 1000}k", [path]))
    return found


def main() -> None:
    """Run the benchmark and write the raw results (JSON) and the table (Markdown)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=Path, default=WORK / "venv" / "bin")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--synthetic", type=int, default=200_000)
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--rdflib", action="store_true", help="also run rdflib-endpoint (slow)")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    runs = []
    for dataset in datasets(args.synthetic):
        runs.append(bench_dataset(dataset, args.tools, args.seconds, args.connections,
                                  args.rdflib))
        (HERE / "results.json").write_text(json.dumps(runs, indent=1) + "\n", encoding="utf-8")
    from report import markdown

    args.out.write_text(markdown(runs, args.seconds, args.connections), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
