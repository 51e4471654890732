"""Per-client concurrency limit: 429 + Retry-After past the share, shared by all workers, and
released by the kernel when a worker dies."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
from invariants import QUERY_TIMEOUT, RUNAWAY, assert_still_up
from liveserver import live_server

from kg.build import BuildResult
from kg.paths import PROJECT_ROOT
from server.runtime.limits import ClientLimiter

HOLDER = """
import sys, time
from server.runtime.limits import ClientLimiter
limiter = ClientLimiter(int(sys.argv[2]), sys.argv[1])
held = [limiter.acquire("client-a") for _ in range(int(sys.argv[2]))]
print("held" if all(held) else "failed", flush=True)
time.sleep(60)
"""


def test_slots_are_shared_between_processes_and_freed_when_the_holder_dies(tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path), "2"],
                              cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        limiter = ClientLimiter(2, str(tmp_path))
        assert limiter.acquire("client-a") is None
        other = limiter.acquire("client-b")
        assert other is not None
        other.release()
    finally:
        holder.kill()
        holder.wait(timeout=10)
    slot = limiter.acquire("client-a")
    assert slot is not None
    slot.release()


def test_a_client_past_its_share_gets_429_then_recovers(
    built_fixture: BuildResult, server_log: Path
) -> None:
    env = {"DLBIO_MAX_CLIENT_CONCURRENCY": "1"}
    with live_server(server_log, kg_dir=built_fixture.release, workers=3, timeout=QUERY_TIMEOUT,
                     env=env) as base:
        assert_still_up(base)
        outcome: dict[str, int] = {}

        def runaway() -> None:
            outcome["status"] = requests.post(f"{base}/sparql", data={"query": RUNAWAY},
                                              timeout=30).status_code

        thread = threading.Thread(target=runaway)
        thread.start()
        refused = None
        stop = time.monotonic() + QUERY_TIMEOUT
        while refused is None and time.monotonic() < stop:
            answer = requests.get(f"{base}/sparql", params={"query": "ASK {}"}, timeout=10)
            refused = answer if answer.status_code == 429 else None
            time.sleep(0.05)
        thread.join(timeout=30)
        assert refused is not None, "no 429 while the runaway query held the only slot"
        assert refused.headers["Retry-After"] == "1"
        assert refused.json()["error"]["status"] == 429
        assert outcome["status"] == 503
        # the slot goes with the worker, which exits just after sending the 503: honour Retry-After
        waited = 0
        while requests.get(f"{base}/sparql", params={"query": "ASK {}"},
                           timeout=10).status_code == 429:
            assert waited < 60, "the slot of the exited worker was never released"
            time.sleep(int(refused.headers["Retry-After"]))
            waited += 1
        for _ in range(10):  # sequential requests never exceed the share
            assert_still_up(base)
