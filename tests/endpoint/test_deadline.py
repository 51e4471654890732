"""The wall-clock deadline on the real front: a runaway query is answered 503, its CPU freed, and
other clients are served meanwhile; the retirement baton and the listening-socket check that make
workers retire one at a time (``server.runtime.turns``).

The session server runs with a 2 s deadline; the runaway query is a four-way cross join of the
400-triple synthetic graph (2.56·10¹⁰ rows: minutes of work without the deadline). Bounds are
generous (a loaded 2-core machine); how fast the 503 comes is measured in ``bench/reliability``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from flask import Flask
from liveserver import worker_pids

from server.runtime.turns import Turns, others_listening
from tests.endpoint.conftest import QUERY_TIMEOUT, SYNTHETIC_GRAPH, RunningServer

RUNAWAY = (
    f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{SYNTHETIC_GRAPH}> "
    "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } }"
)
TICKS = os.sysconf("SC_CLK_TCK")


def worker_cpu_seconds(master: int) -> float:
    """CPU time used so far by the server's workers (the master's child processes)."""
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
    statuses = []
    while thread.is_alive():
        response = requests.get(endpoint, params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        statuses.append(response.status_code)
        time.sleep(0.05)
    thread.join()

    response = outcome["response"]
    assert response.status_code == 503
    assert "time limit of 2 s" in response.json()["error"]["message"]
    assert QUERY_TIMEOUT <= outcome["elapsed"] < QUERY_TIMEOUT + 10  # generous: a loaded machine
    assert statuses and set(statuses) == {200}  # others were answered while it ran


def cpu_settles(master: int, patience: float = 30.0) -> bool:
    """Whether the workers' CPU use falls flat (under 0.2 s in 1 s) within ``patience`` s."""
    stop = time.monotonic() + patience
    while time.monotonic() < stop:
        before = worker_cpu_seconds(master)
        time.sleep(1.0)
        if worker_cpu_seconds(master) - before < 0.2:
            return True
    return False


@pytest.mark.parametrize(
    "query", [RUNAWAY, RUNAWAY + "\n#" + "x" * 5000], ids=["short", "long"],
)
def test_cpu_is_freed_after_the_deadline(running_server: RunningServer, query: str) -> None:
    endpoint = f"{running_server.base}/sparql"
    started = time.monotonic()
    response = requests.post(endpoint, data={"query": query}, timeout=60)
    assert QUERY_TIMEOUT <= time.monotonic() - started < QUERY_TIMEOUT + 10
    assert response.status_code == 503
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "time limit" in response.json()["error"]["message"]
    assert response.headers["Connection"].lower() == "close"  # the next request: another worker
    assert cpu_settles(running_server.pid)  # the runaway's worker ended
    # a fresh worker took over: the server still answers
    assert requests.get(endpoint, params={"query": "ASK {}"}, timeout=30).status_code == 200


def post_once_more(url: str, query: str) -> requests.Response:
    """POST a query; once more if the connection was reset (a request can reach a retiring
    worker's socket in the instant it closes: ``server/README.md``, Safety model)."""
    try:
        return requests.post(url, data={"query": query}, timeout=60)
    except requests.ConnectionError:
        return requests.post(url, data={"query": query}, timeout=60)


def test_runaways_in_a_row_never_stop_the_server(running_server: RunningServer) -> None:
    # each ends its worker; granian must keep respawning (a worker lives at least MIN_LIFE)
    endpoint = f"{running_server.base}/sparql"
    for _ in range(3):
        assert post_once_more(endpoint, RUNAWAY).status_code == 503
    assert cpu_settles(running_server.pid)
    assert Path(f"/proc/{running_server.pid}").exists()
    assert requests.get(endpoint, params={"query": "ASK {}"}, timeout=30).status_code == 200


def test_deadline_without_process_exit_still_answers_503(app: Flask) -> None:
    # in process (workers kept): the helper thread is abandoned, the app keeps serving
    app.config["DLBIO_QUERY_TIMEOUT"] = 0.2
    slow = "SELECT (COUNT(*) AS ?n) { " + " . ".join(f"?a{i} ?b{i} ?c{i}" for i in range(6)) + " }"
    client = app.test_client()
    response = client.post("/sparql", data={"query": slow})
    assert response.status_code == 503
    assert "time limit of 0.2 s" in response.json["error"]["message"]
    assert client.get("/sparql", query_string={"query": "ASK {}"}).json["boolean"] is True


def test_the_retirement_baton_has_one_holder_and_is_freed_when_it_dies() -> None:
    turns = Turns(workers=2)
    child = os.fork()
    if child == 0:  # the holder: takes the baton, then waits to be killed
        turns.baton(patience=10)
        time.sleep(60)
        os._exit(0)
    try:
        stop = time.monotonic() + 30
        while (fd := turns.baton()) is not None and time.monotonic() < stop:
            os.close(fd)  # the child has not taken it yet
            time.sleep(0.01)
        assert fd is None  # held by the child
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
    fd = turns.baton(patience=10)  # the kernel released it with the child
    assert fd is not None
    os.close(fd)


def test_others_listening_sees_another_process_on_the_same_address() -> None:
    with socket.socket() as mine:
        mine.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        mine.bind(("127.0.0.1", 0))
        mine.listen()
        port = mine.getsockname()[1]
        assert others_listening() is False
        code = ("import socket, time; s = socket.socket(); "
                "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1); "
                f"s.bind(('127.0.0.1', {port})); s.listen(); print('up', flush=True); "
                "time.sleep(60)")
        other = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
        try:
            assert other.stdout is not None and other.stdout.readline() == b"up\n"
            assert others_listening() is True
        finally:
            other.kill()
            other.wait()
        assert others_listening() is False
