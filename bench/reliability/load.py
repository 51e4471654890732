"""Load test for bench/RELIABILITY.md: 16 wrk clients for 60 s plus two runaway queries.

Serves ``build/current`` with ``server.runtime.serve.run`` (default workers, ``--timeout`` deadline) on a
free loopback port, runs ``wrk -t2 -c16 -d60s --latency`` over a mix of SPARQL GETs (a Lua script
rotates through the workload), sends two runaway queries at 10 s and 25 s (each must end in 503 at
its deadline), and records the server's memory (PSS of master + workers) before and after.

Usage::

    .venv/bin/python bench/reliability/load.py [--seconds 60] [--timeout 10] [--cold] [--out F]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "reliability"))

from invariants import RUNAWAY  # noqa: E402
from liveserver import free_port  # noqa: E402

WORKLOAD = [
    "SELECT ?s ?name WHERE { ?s a <http://schema.org/SoftwareApplication> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?name } LIMIT 50",
    "SELECT ?type (COUNT(*) AS ?n) WHERE { ?s a ?type } GROUP BY ?type",
    "ASK { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?n "
    "FILTER(CONTAINS(LCASE(?n), 'net')) }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <http://schema.org/ScholarlyArticle> ; ?p ?o } LIMIT 500",
]


def lua_script(paths: list[str]) -> str:
    """A wrk script that rotates through ``paths`` (each request a different query)."""
    quoted = ", ".join(json.dumps(p) for p in paths)
    return (f"local paths = {{{quoted}}}\nlocal i = 0\nrequest = function()\n"
            "  i = i % #paths + 1\n"
            "  return wrk.format('GET', paths[i], {Accept = '*/*'})\nend\n")


def pss_mib(master: int) -> float:
    """Proportional set size of the master and its workers, in MiB."""
    pids = [master] + [int(c) for task in Path(f"/proc/{master}/task").iterdir()
                       for c in (task / "children").read_text().split()]
    total = 0
    for pid in pids:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        total += int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M).group(1))
    return round(total / 1024, 1)


def parse_wrk(text: str) -> dict[str, object]:
    """Requests, errors and latency percentiles from ``wrk --latency`` output."""
    def ms(value: str) -> float:
        number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", text, re.M))
    requests_done = int(re.search(r"(\d+) requests in", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return {"requests": requests_done,
            "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
            "p50_ms": ms(latency["50"]), "p99_ms": ms(latency["99"]),
            "non_2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": sum(int(x) for x in socket.groups()) if socket else 0}


def runaway(base: str, delay: float, outcomes: list[dict]) -> None:
    """Send the runaway query after ``delay`` s; record its status and duration."""
    time.sleep(delay)
    started = time.monotonic()
    status = requests.post(f"{base}/sparql", data={"query": RUNAWAY}, timeout=120).status_code
    outcomes.append({"at_s": delay, "status": status,
                     "seconds": round(time.monotonic() - started, 2)})


def sample_memory(master: int, every: float, stop: threading.Event, series: list) -> None:
    """Append the server's PSS (MiB) every ``every`` seconds until ``stop``."""
    while not stop.wait(every):
        try:
            series.append(pss_mib(master))
        except (OSError, AttributeError):  # a worker exiting between listing and reading
            continue


def main() -> None:
    """Run the load test and print (and optionally save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--timeout", type=float, default=10)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--cold", action="store_true", help="DLBIO_CACHE_BYTES=0: evaluate all")
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    code = f"from server.runtime.serve import run; run(port={port}, timeout={args.timeout})"
    env = {**os.environ, **({"DLBIO_CACHE_BYTES": "0"} if args.cold else {})}
    server = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                requests.get(f"{base}/sparql", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        paths = [f"/sparql?{urlencode({'query': q})}" for q in WORKLOAD]
        for path in paths:  # warm-up
            requests.get(base + path, timeout=60).raise_for_status()
        before = pss_mib(server.pid)
        outcomes: list[dict] = []
        threads = [threading.Thread(target=runaway, args=(base, d, outcomes)) for d in (10, 25)]
        stop, series = threading.Event(), []
        threads.append(threading.Thread(target=sample_memory,
                                        args=(server.pid, 10, stop, series)))
        for thread in threads:
            thread.start()
        with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
            script.write(lua_script(paths))
            script.flush()
            out = subprocess.run(["wrk", "-t2", "-c16", f"-d{args.seconds}s", "--latency",
                                  "--timeout", "60s", "-s", script.name, base],
                                 capture_output=True, text=True, check=True).stdout
        stop.set()
        for thread in threads:
            thread.join()
        time.sleep(1)
        result = {"wrk": parse_wrk(out), "runaways": outcomes, "pss_mib_before": before,
                  "pss_mib_after": pss_mib(server.pid), "pss_mib_every_10s": series, "deadline_s": args.timeout,
                  "seconds": args.seconds, "connections": 16, "cold": args.cold}
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps(result, indent=1))
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
