"""What only the granian front does: keep-alive, and outliving every runaway query."""

from __future__ import annotations

import http.client
import time
from pathlib import Path

import requests
from liveserver import ServerProcess, server_process

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
