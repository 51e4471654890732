"""The front as ``dlbio serve`` runs it (granian): keep-alive, the scheduling policy, deep query
texts, kept-alive clients while runaway queries make workers retire, and runaways on every
worker at once while clients open new connections."""

from __future__ import annotations

import http.client
import os
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import requests
from liveserver import worker_pids

from server.runtime.deadline import MIN_LIFE
from tests.endpoint.conftest import RunningServer
from tests.endpoint.test_deadline import RUNAWAY, TICKS, post_once_more

WORKERS = 2  # the session server's (``running_server``)


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
    """Wait until one of ``before`` is gone and the master has as many workers again."""
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


def _age(pid: str) -> float:
    """Seconds since process ``pid`` started."""
    started = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    return float(Path("/proc/uptime").read_text().split()[0]) - started / TICKS


def _accepting_worker(connection: http.client.HTTPConnection, master: int) -> str | None:
    """The worker that holds the server end of ``connection`` (from /proc: the established
    socket whose peer is the connection's local port, among the workers' descriptors)."""
    peer = f"0100007F:{connection.sock.getsockname()[1]:04X}"
    inodes = {fields[9] for fields in (line.split() for line in
                                       Path("/proc/net/tcp").read_text().splitlines()[1:])
              if fields[2] == peer and fields[3] == "01"}
    for pid in worker_pids(master):
        try:
            descriptors = os.listdir(f"/proc/{pid}/fd")
        except FileNotFoundError:
            continue
        for fd in descriptors:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                return pid
    return None


def _one_connection_per_worker(host: str, port: int,
                               master: int) -> dict[str, http.client.HTTPConnection]:
    """A kept-alive connection accepted by each worker (the kernel spreads new connections
    over the workers' sockets by a hash: open some until every worker has one)."""
    stop = time.monotonic() + 60
    while len(worker_pids(master)) < WORKERS and time.monotonic() < stop:
        time.sleep(0.05)  # the session server answers once its first worker listens
    workers = set(worker_pids(master))
    while min(map(_age, workers)) < MIN_LIFE and time.monotonic() < stop:
        time.sleep(0.1)  # old enough to stop at once: runaways end both at the same moment
    found: dict[str, http.client.HTTPConnection] = {}
    for _ in range(200):
        connection = http.client.HTTPConnection(host, port, timeout=60)
        connection.request("GET", "/sparql?query=ASK%20%7B%7D")
        response = connection.getresponse()
        response.read()
        pid = _accepting_worker(connection, master)
        if pid in workers and pid not in found and not response.will_close:
            found[pid] = connection
            if len(found) == len(workers):
                return found
        else:
            connection.close()
    raise AssertionError(f"connections reached only the workers {sorted(found)} of {workers}")


def _ask_once(host: str, port: int) -> int:
    """The status of ASK {} sent on a new connection."""
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request("GET", "/sparql?query=ASK%20%7B%7D", headers={"Connection": "close"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _ask_on_new_connections(host: str, port: int, stop: threading.Event, answered: list[int],
                            lost: list[str], resets: list[int]) -> None:
    """Send ASK {} on a new connection each time until ``stop``; a refused connection, an
    error status or a failed retry goes to ``lost``. A reset is retried once: a connection
    queued on a retiring worker's socket in the instant it closes is reset unanswered
    (``server/README.md``, Safety model: not what the turns prevent)."""
    while not stop.is_set():
        try:
            try:
                status = _ask_once(host, port)
            except ConnectionResetError:
                resets.append(1)
                status = _ask_once(host, port)
        except (OSError, http.client.HTTPException) as exc:
            lost.append(repr(exc))
            continue
        if status == 200:
            answered.append(1)
        else:
            lost.append(f"status {status}")


def test_runaways_on_every_worker_at_once_refuse_no_connection(
        running_server: RunningServer) -> None:
    """Both workers get a runaway at the same moment while clients open a new connection per
    request: the workers retire one at a time (``server.runtime.turns``), the second only once
    the first one's replacement listens, so some socket always listens and every request is
    answered."""
    host, port = running_server.base.removeprefix("http://").split(":")
    master = running_server.pid
    connections = _one_connection_per_worker(host, int(port), master)
    before = set(connections)
    stop, answered, lost, resets = threading.Event(), [], [], []
    clients = [threading.Thread(target=_ask_on_new_connections,
                                args=(host, int(port), stop, answered, lost, resets))
               for _ in range(4)]
    statuses: dict[str, int] = {}

    def runaway(pid: str, connection: http.client.HTTPConnection) -> None:
        connection.request("POST", "/sparql", body=urlencode({"query": RUNAWAY}),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        statuses[pid] = response.status
        connection.close()

    runaways = [threading.Thread(target=runaway, args=item) for item in connections.items()]
    for thread in clients + runaways:
        thread.start()
    try:
        for thread in runaways:
            thread.join(timeout=120)
        stop_at = time.monotonic() + 90  # generous: both replaced, one after the other
        while time.monotonic() < stop_at:
            now = set(worker_pids(master))
            if not now & before and len(now) == len(before):
                break
            time.sleep(0.05)
        time.sleep(0.5)  # a little traffic on the replacements
    finally:
        stop.set()
        for thread in clients:
            thread.join(timeout=60)
    assert len(before) == WORKERS and statuses == dict.fromkeys(before, 503)
    now = set(worker_pids(master))
    assert not now & before and len(now) == len(before), "both workers were replaced"
    assert lost == []  # no connection refused: some socket listened throughout
    assert len(answered) > 20 and len(resets) < len(answered) / 10
