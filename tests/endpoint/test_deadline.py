"""The wall-clock deadline: a runaway query is stopped, its CPU freed, and nobody else waits.

The session server runs with a 2 s deadline; the runaway query is a four-way cross join of the
400-triple synthetic graph (2.56·10¹⁰ rows: minutes of work without the deadline).
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from pathlib import Path

import pytest
import requests
from flask import Flask
from liveserver import worker_pids

from tests.endpoint.conftest import QUERY_TIMEOUT, SYNTHETIC_GRAPH, RunningServer

RUNAWAY = (
    f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{SYNTHETIC_GRAPH}> "
    "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } }"
)
TICKS = os.sysconf("SC_CLK_TCK")


def worker_cpu_seconds(master: int) -> float:
    """CPU time used so far by the gunicorn workers (the master's child processes)."""
    children = worker_pids(master)
    total = 0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / TICKS


def test_runaway_query_gets_503_and_others_keep_being_served(
    running_server: RunningServer,
) -> None:
    endpoint = f"{running_server.base}/sparql"
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        outcome["response"] = requests.post(endpoint, data={"query": RUNAWAY}, timeout=60)
        outcome["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    latencies = []
    while thread.is_alive():
        started = time.monotonic()
        response = requests.get(endpoint, params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
        latencies.append(time.monotonic() - started)
        assert response.status_code == 200
        time.sleep(0.05)
    thread.join()

    response = outcome["response"]
    assert response.status_code == 503
    assert "time limit of 2 s" in response.json()["error"]["message"]
    assert QUERY_TIMEOUT <= outcome["elapsed"] < QUERY_TIMEOUT + 1.5
    assert len(latencies) >= 10
    assert statistics.median(latencies) < 0.1, latencies  # normal latency meanwhile
    assert max(latencies) < 1.0, latencies


@pytest.mark.parametrize(
    "query",
    [RUNAWAY, RUNAWAY + "\n#" + "x" * 5000],  # a short query runs inline, a long one on a thread
    ids=["request-thread", "helper-thread"],
)
def test_cpu_is_freed_after_the_deadline(running_server: RunningServer, query: str) -> None:
    endpoint = f"{running_server.base}/sparql"
    started = time.monotonic()
    response = requests.post(endpoint, data={"query": query}, timeout=60)
    assert QUERY_TIMEOUT <= time.monotonic() - started < QUERY_TIMEOUT + 1.5
    assert response.status_code == 503
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "time limit" in response.json()["error"]["message"]
    assert response.headers["Connection"].lower() == "close"  # the next request: another worker
    time.sleep(1.0)
    before = worker_cpu_seconds(running_server.pid)
    time.sleep(1.0)
    assert worker_cpu_seconds(running_server.pid) - before < 0.2
    # a fresh worker took over: the server still answers
    assert requests.get(endpoint, params={"query": "ASK {}"}).status_code == 200


def test_deadline_without_process_exit_still_answers_503(app: Flask) -> None:
    # in-process (no gunicorn): the helper thread is abandoned, the app keeps serving
    app.config["DLBIO_QUERY_TIMEOUT"] = 0.2
    slow = "SELECT (COUNT(*) AS ?n) { " + " . ".join(f"?a{i} ?b{i} ?c{i}" for i in range(6)) + " }"
    client = app.test_client()
    response = client.post("/sparql", data={"query": slow})
    assert response.status_code == 503
    assert "time limit of 0.2 s" in response.json["error"]["message"]
    assert client.get("/sparql", query_string={"query": "ASK {}"}).json["boolean"] is True
