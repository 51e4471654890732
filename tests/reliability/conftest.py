"""Fixtures for the reliability tests: the tiny curated KG built once and a real server.

Servers are started through ``server.runtime.serve.run`` (what ``dlbio serve`` calls) on free 127.0.0.1
ports with a short query deadline, so runaway queries end quickly.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from invariants import CHECKED, QUERY_TIMEOUT
from liveserver import live_server

from kg.build import BuildResult


@pytest.fixture(scope="session")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for the servers' stderr (read back when a server fails to start)."""
    return tmp_path_factory.mktemp("reliability-logs")


@pytest.fixture(scope="session")
def live(built_fixture: BuildResult, server_log: Path) -> Iterator[str]:
    """A real server (2 workers, 2 s deadline) over the tiny built KG; its base URL."""
    with live_server(server_log, kg_dir=built_fixture.release, workers=2,
                     timeout=QUERY_TIMEOUT) as base:
        yield base



@pytest.fixture(scope="session", autouse=True)
def _fuzz_report() -> Iterator[None]:
    """With ``DLBIO_FUZZ_REPORT=path``, write how many responses were checked, by status class."""
    yield
    report = os.environ.get("DLBIO_FUZZ_REPORT")
    if report:
        summary = {"responses": sum(CHECKED.values()), "by_status": dict(sorted(CHECKED.items()))}
        Path(report).write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
