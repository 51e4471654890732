"""Load each dump of the built KG into Virtuoso Open Source and compare every example query.

Run as root on a machine with the KG built (``make build``)::

    .venv/bin/python bench/virtuoso/run.py [--release build/current] [--out bench/virtuoso/RESULTS.md]

It installs Debian's ``virtuoso-opensource`` (apt-get) if ``virtuoso-t`` is missing, then for each
dump syntax (nt, ttl, jsonld) starts a fresh Virtuoso on loopback ports in a temporary folder,
bulk-loads the dump and ``void.ttl`` into one graph, compares every loaded triple with our
store, runs every ``queries/*.rq`` on Virtuoso and on our store, compares the answers (CONSTRUCT as triple sets; DESCRIBE not, it differs by design), stops
Virtuoso by its PID and writes one outcome per query per syntax; a ``## Notes`` section of the
output file is kept.
Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

from pyoxigraph import QueryResultsFormat, RdfFormat, Store, parse

ROOT = Path(__file__).resolve().parents[2]
GRAPH = "https://w3id.org/dlbio/graph"
SYNTAXES = ("nt", "ttl", "jsonld")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
ISQL_PORT, HTTP_PORT = 11111, 18890
NOTES = "## Notes"
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
            results(http, "ASK {}")
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


def load(port: int, dumps: Path) -> str:
    """Bulk-load every file of ``dumps`` into GRAPH; returns the loader's errors (empty: none)."""
    out = isql(port, f"ld_dir('{dumps}', '%', '{GRAPH}');\nrdf_loader_run();\ncheckpoint;\n"
                     "SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;\n")  # fmt: skip
    if "0 Rows" in out:
        return ""
    errors = re.findall(r"(\S+\.(?:nt|ttl|jsonld))\s+(\d+ \[[^\n]*)", out)
    return "; ".join(f"{Path(f).name}: {e.strip()}" for f, e in errors) or out.strip()[-300:]


def sparql(port: int, query: str, accept: str = "application/sparql-results+json") -> bytes:
    """Virtuoso's answer on the loaded graph, in the ``accept`` media type."""
    params = urllib.parse.urlencode({"query": query, "default-graph-uri": GRAPH})
    request = urllib.request.Request(f"http://127.0.0.1:{port}/sparql?{params}",
                                     headers={"Accept": accept})  # fmt: skip
    with urllib.request.urlopen(request, timeout=180) as response:
        return response.read()


def results(port: int, query: str) -> dict:
    """SPARQL JSON results of Virtuoso on the loaded graph."""
    return json.loads(sparql(port, query))


def same_graph(store: Store, port: int, query: str) -> str:
    """A CONSTRUCT's triples on both sides, compared as sets of N-Triples terms."""
    theirs = parse(sparql(port, query, "application/n-triples"), format=RdfFormat.N_TRIPLES)
    mine = store.query(query)
    return "same" if set(map(str, theirs)) == set(map(str, mine)) else "differs"


def _term(cell: dict | None, loose: bool = False) -> tuple:
    """A result cell made comparable: Virtuoso's ``typed-literal`` and xsd:string as plain.

    ``loose``: booleans compared by value whatever their form (Virtuoso gives xsd:boolean true as
    ``"1"`` and EXISTS as xsd:integer 1/0).
    """
    if cell is None:
        return ()
    kind = "literal" if cell["type"] == "typed-literal" else cell["type"]
    datatype = "" if cell.get("datatype") == XSD_STRING else cell.get("datatype", "")
    if loose and datatype in (XSD_BOOLEAN, XSD_INTEGER) and cell["value"] in BOOLEANS:
        return ("boolean", BOOLEANS[cell["value"]])
    return (kind, cell["value"], datatype, cell.get("xml:lang", ""))


def answer(results: dict, loose: bool = False) -> object:
    """Rows in answer order, or the boolean of an ASK (Virtuoso 7.2 answers an ASK in JSON as
    one row of ``__ASK_RETVAL``)."""
    if "boolean" in results:
        return results["boolean"]
    names = results["head"]["vars"]
    bindings = results["results"]["bindings"]
    if names == ["__ASK_RETVAL"]:
        return bool(bindings) and bindings[0]["__ASK_RETVAL"]["value"] != "0"
    return [tuple(_term(b.get(n), loose) for n in names) for b in bindings], names


def ours(store: Store, query: str) -> dict:
    """Our store's SPARQL JSON answer (as the endpoint gives it)."""
    result = store.query(query)
    return json.loads(result.serialize(format=QueryResultsFormat.JSON))


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first form keyword outside comments, IRIs, strings."""
    text = re.sub(r'#[^\n]*|<[^>\s]*>|"(?:[^"\\]|\\.)*"', " ", query)
    return re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", text, re.IGNORECASE)[1].upper()


def _order_keys(query: str) -> list[str]:
    """Variables of the ORDER BY clause, in order (empty: the query does not order its rows)."""
    clause = re.search(r"ORDER\s+BY(.*?)(?:LIMIT|OFFSET|$)", query, re.IGNORECASE | re.DOTALL)
    return re.findall(r"\?(\w+)", clause[1]) if clause else []


def same_rows(theirs: object, mine: object, keys: list[str]) -> str:
    """'same', 'same (ties in another order)' or 'differs', for one comparison mode."""
    if isinstance(theirs, bool) or isinstance(mine, bool):
        return "same" if theirs == mine else "differs"
    (their_rows, names), (my_rows, _) = theirs, mine
    if Counter(their_rows) != Counter(my_rows):
        return "differs"
    if not keys or their_rows == my_rows:
        return "same"
    index = [names.index(k) for k in keys if k in names]
    key = lambda rows: [tuple(r[i] for i in index) for r in rows]  # noqa: E731
    return "same (ties in another order)" if key(their_rows) == key(my_rows) else "order differs"


def compare(store: Store, port: int, query: str) -> str:
    """The outcome of one example query on Virtuoso against our store."""
    form = query_form(query)
    if form == "DESCRIBE":
        return "DESCRIBE: not compared, differs by design (Virtuoso adds incoming triples)"
    if re.search(r"\bSERVICE\b", re.sub(r"#[^\n]*", "", query), re.IGNORECASE):
        return "federated (SERVICE to the web): not run offline"
    try:
        if form == "CONSTRUCT":
            return same_graph(store, port, query)
        theirs = results(port, query)
    except OSError as exc:
        body = exc.read() if hasattr(exc, "read") else str(exc).encode()
        first = body.decode("utf-8", "replace").strip().splitlines()[0]
        return f"Virtuoso error: {first[:120]}"
    mine, keys = ours(store, query), _order_keys(query)
    outcome = same_rows(answer(theirs), answer(mine), keys)
    if outcome == "differs":
        loose = same_rows(answer(theirs, True), answer(mine, True), keys)
        if loose != "differs":
            return f"{loose}, booleans as Virtuoso's 1/0"
    return outcome


def loaded_triples(store: Store, port: int) -> str:
    """How the loaded graph compares with our store: every triple, term by term."""
    everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    theirs = Counter(answer(results(port, everything), True)[0])
    mine = Counter(answer(ours(store, everything), True)[0])
    if theirs == mine:
        return f"exact: {sum(mine.values())} triples (booleans by value)"
    missing, extra = sum((mine - theirs).values()), sum((theirs - mine).values())
    return f"{sum(theirs.values())} triples; {missing} of ours missing, {extra} not ours"


def run_syntax(release: Path, syntax: str, store: Store, queries: list[Path]) -> dict[str, str]:
    """Load one dump (and ``void.ttl``) into a fresh Virtuoso and compare every query."""
    with tempfile.TemporaryDirectory(prefix="virtuoso-") as tmp:
        workdir, dumps = Path(tmp) / "db", Path(tmp) / "dumps"
        workdir.mkdir()
        dumps.mkdir()
        for name in (f"dlbio.{syntax}", "void.ttl"):
            shutil.copy(release / name, dumps / name)
        proc = start(workdir, dumps, ISQL_PORT, HTTP_PORT)
        try:
            errors = load(ISQL_PORT, dumps)
            outcome = {"(load errors)": errors or "none"}
            outcome["(triples)"] = loaded_triples(store, HTTP_PORT)
            for path in queries:
                text = path.read_text()
                outcome[path.name] = compare(store, HTTP_PORT, text) if not errors else "not run"
        finally:
            stop(proc)
    return outcome


def report(outcomes: dict[str, dict[str, str]], ours_count: int) -> str:
    """Markdown table: one row per query, one column per dump syntax."""
    rows = sorted({k for o in outcomes.values() for k in o})
    cell = lambda text: text.replace("|", "\\|").replace("\n", " ")  # noqa: E731
    head = "| query | " + " | ".join(outcomes) + " |\n|---|" + "---|" * len(outcomes) + "\n"
    body = "".join(f"| {r} | " + " | ".join(cell(o.get(r, "–")) for o in outcomes.values()) + " |\n"
                   for r in rows)  # fmt: skip
    return f"Triples in our store (dump + VoID): {ours_count}\n\n{head}{body}"


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
    version = subprocess.run(["virtuoso-t", "-?"], capture_output=True, text=True)
    line = next(
        (ln for ln in (version.stdout + version.stderr).splitlines() if "Version" in ln), ""
    )
    old = args.out.read_text() if args.out.exists() else ""
    notes = old[old.index(NOTES) :] if NOTES in old else ""  # hand-written, kept across runs
    args.out.write_text(
        f"# Virtuoso comparison — recorded result\n\nVirtuoso: {line.strip()}; release "
        f"{release.name}; {time.strftime('%Y-%m-%d')}.\n\n"
        + report(outcomes, len(store))
        + ("\n" + notes if notes else "")
    )
    print(args.out)


if __name__ == "__main__":
    main()
