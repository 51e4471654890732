"""Fixtures for the endpoint tests: fixture data, loopback listeners, the app in process and a
real server.

Protocol tests call the composed WSGI app in process (``endpoint``, ``server``: URLs answered by
``inprocess``). What needs a process (deadlines on the real front, streaming memory, clients over
HTTP) uses the session server (``running_server``, ``live_endpoint``), started through
``server.runtime.serve.run`` (what ``dlbio serve`` calls) on a free 127.0.0.1 port with a 2 s
query deadline, so runaway queries end quickly.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import inprocess
import pytest
from flask import Flask
from flask.testing import FlaskClient
from liveserver import ServerProcess, server_process

from server import create_app

#: The session server's handle (base URL and master pid), as the tests name it.
RunningServer = ServerProcess

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parents[2]
SYNTHETIC_GRAPH = "http://example.org/dlbio-test/synthetic"
SYNTHETIC_SIZE = 400
BULK_GRAPH = "http://example.org/dlbio-test/bulk"
BULK_SIZE = 250_000
QUERY_TIMEOUT = 2.0


@dataclass
class Listener:
    """A loopback TCP listener that counts the connections it receives."""

    port: int
    connections: list[tuple[str, int]] = field(default_factory=list)

    @property
    def url(self) -> str:
        """An http URL pointing at the listener."""
        return f"http://127.0.0.1:{self.port}/sparql"


@pytest.fixture(scope="session")
def listener() -> Iterator[Listener]:
    """A port that must never be contacted by the endpoint (the SSRF canary)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    found = Listener(sock.getsockname()[1])

    def accept() -> None:
        while True:
            try:
                conn, address = sock.accept()
            except OSError:
                return
            found.connections.append(address)
            conn.close()

    threading.Thread(target=accept, daemon=True).start()
    yield found
    sock.close()


class _RemoteSparql(BaseHTTPRequestHandler):
    """A tiny remote SPARQL endpoint: every query gets one binding ?remote = "federated"."""

    def do_GET(self) -> None:
        body = (
            b'{"head":{"vars":["remote"]},"results":{"bindings":[{"remote":'
            b'{"type":"literal","value":"federated"}}]}}'
        )
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture(scope="session")
def remote_sparql() -> Iterator[int]:
    """An allow-listed federation target (reached as ``localhost:<port>``); yields its port."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _RemoteSparql)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def synthetic_nq(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two synthetic named graphs: a small one for runaway joins, a bulk one for streaming."""
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.nq"
    small = (
        f'<http://example.org/s{i}> <http://example.org/p{i % 7}> "value {i}" <{SYNTHETIC_GRAPH}> .'
        for i in range(SYNTHETIC_SIZE)
    )
    bulk = (
        f'<http://example.org/b{i}> <http://example.org/p{i % 7}> "bulk value {i}" <{BULK_GRAPH}> .'
        for i in range(BULK_SIZE)
    )
    path.write_text("\n".join([*small, *bulk]) + "\n", encoding="utf-8")
    return path


def _settings(remote_sparql: int) -> dict[str, str]:
    """The settings of both the in-process app and the session server."""
    return {
        "DLBIO_SERVICE_ALLOWLIST": f"localhost:{remote_sparql}",
        "DLBIO_MAX_QUERY_LENGTH": "20000",
        "DLBIO_MAX_BODY_BYTES": "50000",
    }


@pytest.fixture(scope="session")
def server(synthetic_nq: Path, remote_sparql: int) -> str:
    """Base URL of the composed app (site and SPARQL) over the fixtures, answered in process."""
    app = create_app({
        **_settings(remote_sparql), "DLBIO_QUERY_TIMEOUT": QUERY_TIMEOUT,
        "DLBIO_LOAD": [str(FIXTURES / "protocol.trig"), str(synthetic_nq)],
        "DLBIO_EXIT_ON_TIMEOUT": False, "TESTING": True,
    })
    return inprocess.mount("dlbio.test", app)


@pytest.fixture(scope="session")
def endpoint(server: str) -> str:
    """The SPARQL endpoint URL of the in-process app."""
    return f"{server}/sparql"


@pytest.fixture(scope="session")
def running_server(
    synthetic_nq: Path, remote_sparql: int, tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ServerProcess]:
    """A real server (``dlbio serve``'s code path, 2 workers) serving the fixtures."""
    load = [str(FIXTURES / "protocol.trig"), str(synthetic_nq)]
    with server_process(
        tmp_path_factory.mktemp("server"), load=load, workers=2, timeout=QUERY_TIMEOUT,
        env=_settings(remote_sparql),
    ) as running:
        yield running


@pytest.fixture(scope="session")
def live_endpoint(running_server: ServerProcess) -> str:
    """The SPARQL endpoint URL of the session server."""
    return f"{running_server.base}/sparql"


@pytest.fixture
def app() -> Flask:
    """An in-process app over the protocol fixture (timeouts do not end the test process)."""
    return create_app(
        {
            "DLBIO_LOAD": [str(FIXTURES / "protocol.trig")],
            "DLBIO_EXIT_ON_TIMEOUT": False,
            "TESTING": True,
        }
    )


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A Flask test client for ``app``."""
    return app.test_client()


#: Fixtures that start a process; tests using none of them (and not in ``PROCESS_MODULES``) are
#: in-process and marked ``quick`` (``pytest -m quick``).
LIVE_FIXTURES = frozenset({"running_server", "live_endpoint"})
PROCESS_MODULES = frozenset({"test_startup.py"})  # runs ``dlbio serve`` itself


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark this folder's in-process tests ``quick``."""
    here = Path(__file__).parent
    for item in items:
        if (item.path.parent == here and item.path.name not in PROCESS_MODULES
                and not LIVE_FIXTURES & set(getattr(item, "fixturenames", ()))):
            item.add_marker(pytest.mark.quick)
