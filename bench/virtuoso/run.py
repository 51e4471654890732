"""Load each dump of the built KG into Virtuoso Open Source and compare every example query.

Run as root on a machine with the KG built (``make build``)::

    .venv/bin/python bench/virtuoso/run.py [--release build/current] [--out bench/virtuoso/RESULTS.md]

It installs Debian's ``virtuoso-opensource`` (apt-get) if ``virtuoso-t`` is missing, then for each
dump syntax (nt, ttl, jsonld) starts a fresh Virtuoso on loopback ports in a temporary folder,
bulk-loads the dump into one graph, runs every ``queries/*.rq`` on Virtuoso and on our store,
compares the answers, stops Virtuoso by its PID and writes one outcome per query per syntax.
Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

from pyoxigraph import Store

ROOT = Path(__file__).resolve().parents[2]
GRAPH = "https://w3id.org/dlbio/graph"
SYNTAXES = ("nt", "ttl", "jsonld")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
INI = """[Database]
DatabaseFile = {dir}/v.db
TransactionFile = {dir}/v.trx
ErrorLogFile = {dir}/v.log
[Parameters]
ServerPort = 127.0.0.1:{isql}
DirsAllowed = ., {dumps}
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {dir}
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


def install() -> None:
    """Debian's virtuoso-opensource, unless virtuoso-t is already on PATH."""
    if shutil.which("virtuoso-t"):
        return
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "virtuoso-opensource"], check=True, env=env)


def start(workdir: Path, dumps: Path, isql: int, http: int) -> subprocess.Popen:
    """A Virtuoso in ``workdir`` on loopback ports; returns once its SPARQL endpoint answers."""
    ini = workdir / "virtuoso.ini"
    ini.write_text(INI.format(dir=workdir, dumps=dumps, isql=isql, http=http))
    proc = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=workdir,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    for _ in range(120):
        try:
            sparql(http, "ASK {}")
            return proc
        except OSError:
            time.sleep(1)
    stop(proc)
    raise RuntimeError("Virtuoso did not start")


def stop(proc: subprocess.Popen) -> None:
    """Stop Virtuoso by its PID."""
    os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()


def isql(port: int, script: str) -> str:
    """Run an isql script (Debian names the client isql-vt)."""
    client = shutil.which("isql-vt") or "isql"
    done = subprocess.run([client, f"127.0.0.1:{port}", "dba", "dba"], input=script,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    return done.stdout + done.stderr


def load(port: int, dumps: Path, name: str) -> str:
    """Bulk-load one dump file into GRAPH; returns the loader's error text (empty when none)."""
    out = isql(port, f"ld_dir('{dumps}', '{name}', '{GRAPH}');\nrdf_loader_run();\ncheckpoint;\n"
                     "SELECT ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;\n")  # fmt: skip
    return "" if "0 Rows" in out else out.strip()[-300:]


def sparql(port: int, query: str) -> dict:
    """SPARQL JSON results of Virtuoso on the loaded graph."""
    params = urllib.parse.urlencode({"query": query, "default-graph-uri": GRAPH})
    request = urllib.request.Request(f"http://127.0.0.1:{port}/sparql?{params}",
                                     headers={"Accept": "application/sparql-results+json"})  # fmt: skip
    with urllib.request.urlopen(request, timeout=180) as response:
        return json.load(response)


def _term(cell: dict | None) -> tuple:
    """A result cell made comparable: Virtuoso's ``typed-literal`` and xsd:string as plain."""
    if cell is None:
        return ()
    kind = "literal" if cell["type"] == "typed-literal" else cell["type"]
    datatype = "" if cell.get("datatype") == XSD_STRING else cell.get("datatype", "")
    return (kind, cell["value"], datatype, cell.get("xml:lang", ""))


def answer(results: dict, ordered: bool) -> object:
    """Rows (a list if the query orders them, else a multiset) or the boolean of an ASK."""
    if "boolean" in results:
        return results["boolean"]
    names = results["head"]["vars"]
    rows = [tuple(_term(b.get(n)) for n in names) for b in results["results"]["bindings"]]
    return rows if ordered else Counter(rows)


def ours(store: Store, query: str) -> dict:
    """Our store's SPARQL JSON answer (as the endpoint gives it)."""
    from pyoxigraph import QueryResultsFormat

    result = store.query(query)
    return json.loads(result.serialize(format=QueryResultsFormat.JSON))


def compare(store: Store, port: int, query: str) -> str:
    """'same', 'differs', 'not SELECT/ASK' or the error of one side."""
    if "DESCRIBE" in query.upper().split("WHERE")[0] or "CONSTRUCT" in query.upper():
        return "graph query: not compared (DESCRIBE differs by design)"
    ordered = "ORDER BY" in query.upper()
    try:
        theirs = answer(sparql(port, query), ordered)
    except OSError as exc:
        body = exc.read() if hasattr(exc, "read") else str(exc).encode()
        return f"Virtuoso error: {body[:160].decode('utf-8', 'replace')}"
    return "same" if theirs == answer(ours(store, query), ordered) else "differs"


def run_syntax(release: Path, syntax: str, store: Store, queries: list[Path]) -> dict[str, str]:
    """Load one dump into a fresh Virtuoso and compare every query."""
    with tempfile.TemporaryDirectory(prefix="virtuoso-") as tmp:
        workdir, dumps = Path(tmp) / "db", Path(tmp) / "dumps"
        workdir.mkdir()
        dumps.mkdir()
        shutil.copy(release / f"dlbio.{syntax}", dumps / f"dlbio.{syntax}")
        proc = start(workdir, dumps, 11111, 18890)
        try:
            outcome = {"(load)": load(11111, dumps, f"dlbio.{syntax}") or "ok"}
            count = sparql(18890, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
            outcome["(triples)"] = count["results"]["bindings"][0]["n"]["value"]
            for path in queries:
                outcome[path.name] = compare(store, 18890, path.read_text())
        finally:
            stop(proc)
    return outcome


def report(outcomes: dict[str, dict[str, str]], ours_count: int) -> str:
    """Markdown table: one row per query, one column per dump syntax."""
    rows = sorted({k for o in outcomes.values() for k in o})
    head = "| query | " + " | ".join(outcomes) + " |\n|---|" + "---|" * len(outcomes) + "\n"
    body = "".join(f"| {r} | " + " | ".join(o.get(r, "–") for o in outcomes.values()) + " |\n"
                   for r in rows)  # fmt: skip
    return f"Triples in our store: {ours_count}\n\n{head}{body}"


def main() -> None:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--release", type=Path, default=ROOT / "build" / "current")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "RESULTS.md")
    args = parser.parse_args()
    install()
    release = args.release.resolve()
    store = Store.read_only(str(release / "store"))
    queries = sorted((ROOT / "queries").glob("*.rq"))
    outcomes = {s: run_syntax(release, s, store, queries) for s in SYNTAXES}
    args.out.write_text(
        "# Virtuoso comparison — recorded result\n\n" + report(outcomes, len(store))
    )
    print(args.out)


if __name__ == "__main__":
    main()
