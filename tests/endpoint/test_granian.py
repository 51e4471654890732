"""What only the granian front does: keep-alive, and outliving every runaway query."""

from __future__ import annotations

import errno
import http.client
import os
import socket
import threading
import time
from pathlib import Path

import pytest
import requests
from liveserver import ServerProcess, server_process, worker_pids

from server.runtime.granian_front import listening_sockets
from server.sparql.endpoint import INLINE_MAX_CHARS
from tests.endpoint.conftest import FIXTURES
from tests.endpoint.test_deadline import RUNAWAY, worker_cpu_seconds


def test_connections_are_kept_alive(running_server: ServerProcess) -> None:
    host, port = running_server.base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        kept = []
        for _ in range(3):
            connection.request("GET", "/sparql?query=ASK%20%7B%7D")
            response = connection.getresponse()
            assert response.status == 200 and b"true" in response.read()
            kept.append(connection.sock is not None)  # http.client closes on Connection: close
    finally:
        connection.close()
    assert kept == [running_server.front == "granian"] * 3


def test_one_worker_outlives_runaways_in_a_row(synthetic_nq: Path, tmp_path: Path) -> None:
    """granian gives up when a worker dies within 5.5 s of its respawn; ours must not."""
    load = [str(FIXTURES / "protocol.trig"), str(synthetic_nq)]
    env = {"DLBIO_FRONT": "granian"}
    with server_process(tmp_path, load=load, workers=1, timeout=1, env=env) as running:
        endpoint = f"{running.base}/sparql"
        for _ in range(3):
            started = time.monotonic()
            response = requests.post(endpoint, data={"query": RUNAWAY}, timeout=30)
            assert response.status_code == 503
            assert time.monotonic() - started < 1 + 1.5
            assert "time limit of 1 s" in response.json()["error"]["message"]
        time.sleep(1.0)
        before = worker_cpu_seconds(running.pid)
        time.sleep(1.0)
        assert worker_cpu_seconds(running.pid) - before < 0.2  # every runaway was stopped
        assert requests.get(endpoint, params={"query": "ASK {}"}, timeout=10).json()["boolean"]


def _established_per_worker(master: int, port: int) -> dict[int, int]:
    """Established connections to ``port`` held by each child of ``master`` (from /proc)."""
    local = f":{port:04X}"
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1].endswith(local) and fields[3] == "01":  # 01: ESTABLISHED
                inodes.add(fields[9])
    counts = {}
    for pid in worker_pids(master):
        links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
        counts[int(pid)] = sum(link[8:-1] in inodes for link in links if link.startswith("socket:"))
    return counts


def test_keep_alive_connections_spread_over_the_workers(tmp_path: Path) -> None:
    """Each worker accepts from its own socket: a burst of connections cannot all land on one."""
    env = {"DLBIO_FRONT": "granian"}
    with server_process(tmp_path, load=[str(FIXTURES / "protocol.trig")], workers=2,
                        env=env) as running:
        host, port = running.base.removeprefix("http://").split(":")
        connections = [http.client.HTTPConnection(host, int(port), timeout=10) for _ in range(16)]
        try:
            for connection in connections:  # a burst: all queued before any is accepted
                connection.connect()
            for connection in connections:
                connection.request("GET", "/sparql?query=ASK%20%7B%7D")
                assert connection.getresponse().read()
            counts = _established_per_worker(running.pid, int(port))
        finally:
            for connection in connections:
                connection.close()
    assert sum(counts.values()) == 16
    assert len(counts) == 2 and min(counts.values()) >= 1, counts  # all on one: p = 2⁻¹⁵


def test_new_connections_wait_out_a_retiring_worker(synthetic_nq: Path, tmp_path: Path) -> None:
    """After a runaway, connections the kernel sends to the retiring worker's socket queue there
    until its successor accepts them: none is refused or reset, and none waits long."""
    load = [str(FIXTURES / "protocol.trig"), str(synthetic_nq)]
    env = {"DLBIO_FRONT": "granian"}
    with server_process(tmp_path, load=load, workers=2, timeout=1, env=env) as running:
        endpoint = f"{running.base}/sparql"
        assert requests.post(endpoint, data={"query": RUNAWAY}, timeout=30).status_code == 503
        latencies = []
        for _ in range(40):  # a new connection each: spread over both sockets
            started = time.monotonic()
            response = requests.get(endpoint, params={"query": "ASK {}"}, timeout=10)
            latencies.append(time.monotonic() - started)
            assert response.status_code == 200
    assert max(latencies) < 2.0, latencies


def test_port_in_use_is_an_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError) as caught:
            listening_sockets("127.0.0.1", port, 16, 2)
    assert caught.value.errno == errno.EADDRINUSE


def test_socket_group_shares_one_port() -> None:
    group = listening_sockets("127.0.0.1", 0, 16, 3)
    try:
        assert len({sock.getsockname() for sock in group}) == 1
        with socket.create_connection(group[0].getsockname(), timeout=5):
            pass  # accepted into one of the queues
    finally:
        for sock in group:
            sock.close()


def test_longest_inline_queries_do_not_overflow_a_request_thread(tmp_path: Path) -> None:
    """granian's request threads are Rust threads (2 MiB stacks by default): the longest texts
    still run on them must not crash a worker (these did, before RUST_MIN_STACK was raised)."""
    chains = [
        "ASK { FILTER(" + "!" * (INLINE_MAX_CHARS - 20) + "true) }",
        "SELECT (" + "+".join(["1"] * ((INLINE_MAX_CHARS - 20) // 2)) + " AS ?x) {}",
    ]
    env = {"DLBIO_FRONT": "granian"}
    with server_process(tmp_path, load=[str(FIXTURES / "protocol.trig")], workers=1,
                        env=env) as running:
        for query in chains * 2:
            assert len(query) <= INLINE_MAX_CHARS
            response = requests.post(f"{running.base}/sparql", data=query, timeout=30,
                                     headers={"Content-Type": "application/sparql-query"})
            assert response.status_code == 200


def _worker_thread_policies(master: int) -> set[int]:
    """The scheduling policy of every thread of every worker of ``master``."""
    policies = set()
    for pid in worker_pids(master):
        for task in Path(f"/proc/{pid}/task").iterdir():
            policies.add(os.sched_getscheduler(int(task.name)))
    return policies


@pytest.mark.parametrize(("setting", "policy"), [("true", "SCHED_BATCH"), ("false", "SCHED_OTHER")])
def test_workers_run_under_the_configured_policy(tmp_path: Path, setting: str, policy: str) -> None:
    """Every thread of every granian worker (request, runtime, watchdog) has the policy, so a
    woken runtime thread cannot preempt a request thread holding the GIL."""
    env = {"DLBIO_FRONT": "granian", "DLBIO_BATCH_SCHEDULING": setting}
    with server_process(tmp_path, load=[str(FIXTURES / "protocol.trig")], workers=2,
                        env=env) as running:
        for _ in range(8):  # every worker has started its request threads
            requests.get(f"{running.base}/sparql", params={"query": "ASK {}"}, timeout=10)
        assert _worker_thread_policies(running.pid) == {getattr(os, policy)}


def _keep_asking(host: str, port: int, stop: threading.Event, answered: list[int],
                 lost: list[str]) -> None:
    """Send ASK {} over one kept-alive connection after another until ``stop``; a request the
    server closed its connection on without answering goes to ``lost``."""
    connection: http.client.HTTPConnection | None = None
    while not stop.is_set():
        if connection is None:
            connection = http.client.HTTPConnection(host, port, timeout=10)
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
        synthetic_nq: Path, tmp_path: Path) -> None:
    """Clients keep querying over kept-alive connections while runaway queries make workers
    retire: the retiring worker closes each busy connection after an answer (Connection: close)
    before it stops, so no request is dropped unanswered."""
    load = [str(FIXTURES / "protocol.trig"), str(synthetic_nq)]
    env = {"DLBIO_FRONT": "granian"}
    with server_process(tmp_path, load=load, workers=2, timeout=1, env=env) as running:
        host, port = running.base.removeprefix("http://").split(":")
        stop, answered, lost = threading.Event(), [], []
        clients = [threading.Thread(target=_keep_asking, args=(host, int(port), stop, answered,
                                                                lost)) for _ in range(6)]
        for client in clients:
            client.start()
        try:
            for _ in range(3):
                response = requests.post(f"{running.base}/sparql", data={"query": RUNAWAY},
                                         timeout=30)
                assert response.status_code == 503
                time.sleep(1.0)  # the retiring worker is gone and replaced
        finally:
            stop.set()
            for client in clients:
                client.join(timeout=30)
        assert lost == []
        assert len(answered) > 300
