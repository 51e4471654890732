"""The front as ``dlbio serve`` runs it (granian): keep-alive, the scheduling policy, deep query
texts, and kept-alive clients while runaway queries make workers retire."""

from __future__ import annotations

import http.client
import os
import threading
import time
from pathlib import Path

import requests
from liveserver import worker_pids

from tests.endpoint.conftest import RunningServer
from tests.endpoint.test_deadline import RUNAWAY, post_once_more


def test_connections_are_kept_alive(live_endpoint: str) -> None:
    with requests.Session() as session:
        first = session.get(live_endpoint, params={"query": "ASK {}"}, timeout=30)
        second = session.get(live_endpoint, params={"query": "ASK {}"}, timeout=30)
    assert first.status_code == second.status_code == 200
    assert first.headers.get("Connection", "keep-alive").lower() != "close"


def _policies(master: int) -> set[int]:
    """The scheduling policy of every thread of every worker of ``master``."""
    found = set()
    for pid in worker_pids(master):
        for task in Path(f"/proc/{pid}/task").iterdir():
            found.add(os.sched_getscheduler(int(task.name)))
    return found


def test_workers_run_under_batch_scheduling(running_server: RunningServer) -> None:
    """``DLBIO_BATCH_SCHEDULING`` (on by default): a woken runtime thread cannot preempt a
    request thread that holds the GIL."""
    for _ in range(8):  # every worker has started its request threads
        requests.get(f"{running_server.base}/sparql", params={"query": "ASK {}"}, timeout=30)
    assert _policies(running_server.pid) == {os.SCHED_BATCH}


def test_long_operator_chains_run_on_the_real_front(live_endpoint: str) -> None:
    # the engine's parser recurses per operator: the helper thread's big stack holds it
    for length in (4_000, 15_000):
        query = "ASK { FILTER(" + "!" * length + "true) }"
        response = requests.post(live_endpoint, data={"query": query}, timeout=60)
        assert response.status_code == 200 and response.json()["boolean"] is True


def replaced(master: int, before: set[str], patience: float = 60.0) -> None:
    """Wait until one of ``before`` is gone and the master has as many workers again (one
    retirement at a time: two at once can leave no worker listening for a moment)."""
    stop = time.monotonic() + patience
    while time.monotonic() < stop:
        now = set(worker_pids(master))
        if now - before and len(now) == len(before):
            return
        time.sleep(0.05)
    raise AssertionError("no worker was replaced")


def _keep_asking(host: str, port: int, stop: threading.Event, answered: list[int],
                 lost: list[str]) -> None:
    """Send ASK {} over one kept-alive connection after another until ``stop``; a request the
    server closed its connection on without answering goes to ``lost``."""
    connection: http.client.HTTPConnection | None = None
    while not stop.is_set():
        if connection is None:
            connection = http.client.HTTPConnection(host, port, timeout=30)
        try:
            connection.request("GET", "/sparql?query=ASK%20%7B%7D")
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            answered.append(1)
            if response.will_close:  # Connection: close, as a retiring worker says
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException) as exc:
            lost.append(repr(exc))
            connection.close()
            connection = None
    if connection is not None:
        connection.close()


def test_busy_kept_alive_connections_lose_no_request_when_workers_retire(
        running_server: RunningServer) -> None:
    """Clients keep querying over kept-alive connections while runaway queries make workers
    retire: a retiring worker answers with Connection: close before it stops, so no request is
    dropped unanswered."""
    host, port = running_server.base.removeprefix("http://").split(":")
    stop, answered, lost = threading.Event(), [], []
    clients = [threading.Thread(target=_keep_asking, args=(host, int(port), stop, answered,
                                                            lost)) for _ in range(6)]
    for client in clients:
        client.start()
    try:
        for _ in range(3):
            before = set(worker_pids(running_server.pid))
            assert post_once_more(f"{running_server.base}/sparql", RUNAWAY).status_code == 503
            replaced(running_server.pid, before)
            time.sleep(1.0)  # the new worker listens
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=60)
    assert lost == []
    assert len(answered) > 100
