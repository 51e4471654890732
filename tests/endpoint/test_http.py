"""HTTP behaviour: CORS, ETag/304, gzip, the result cache, streaming, limits and error bodies."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import inprocess as http
import pytest
import requests
from flask.testing import FlaskClient
from liveserver import worker_pids

from server import create_app
from tests.endpoint.conftest import (
    BULK_GRAPH,
    BULK_SIZE,
    FIXTURES,
    SYNTHETIC_GRAPH,
    RunningServer,
)

SELECT = "SELECT ?s ?label { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?s"
FULL_DUMP = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{BULK_GRAPH}> {{ ?s ?p ?o }} }}"


def test_cors_header_on_answers_and_errors(endpoint: str) -> None:
    assert http.get(endpoint, params={"query": "ASK {}"}).headers[
        "Access-Control-Allow-Origin"] == "*"
    assert http.get(endpoint, params={"query": "ASK {"}).headers[
        "Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_cors_preflight(endpoint: str, method: str) -> None:
    headers = {
        "Origin": "https://example.org",
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "accept, content-type",
    }
    response = http.options(endpoint, headers=headers)
    assert response.status_code in (200, 204)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert method in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"] == "accept, content-type"


def test_etag_comes_from_the_build_version_and_304_is_honoured(endpoint: str) -> None:
    first = http.get(endpoint, params={"query": SELECT})
    etag = first.headers["ETag"]
    version = http.get(endpoint, params={"query": "ASK {}"}).headers["ETag"].split("-")[0]
    assert etag.startswith(version) and len(version) > 5
    again = http.get(endpoint, params={"query": SELECT}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = http.get(endpoint, params={"query": SELECT},
                         headers={"If-None-Match": etag, "Accept": "text/csv"})
    assert other.status_code == 200 and other.headers["ETag"] != etag


def test_gzip_when_accepted(endpoint: str) -> None:
    query = f"SELECT * {{ GRAPH <{SYNTHETIC_GRAPH}> {{ ?s ?p ?o }} }}"
    plain = http.get(endpoint, params={"query": query},
                         headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    zipped = http.get(endpoint, params={"query": query}, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content


def test_result_cache_serves_repeated_queries(client: FlaskClient) -> None:
    cache = client.application.extensions["dlbio_cache"]
    first = client.post("/sparql", data={"query": SELECT})
    assert len(cache) == 1  # keyed by query, dataset, media type, encoding and version
    second = client.post("/sparql", data={"query": SELECT})
    assert second.data == first.data and len(cache) == 1
    client.post("/sparql", data={"query": SELECT}, headers={"Accept": "text/csv"})
    assert len(cache) == 2


def test_repeated_get_is_answered_from_the_cache_without_running_again(app) -> None:
    client = app.test_client()
    deadlines = app.extensions["dlbio_sparql"].deadlines
    runs: list[str] = []
    run = deadlines.run
    deadlines.run = lambda *args: runs.append("run") or run(*args)
    first = client.get("/sparql", query_string={"query": SELECT})
    second = client.get("/sparql", query_string={"query": SELECT})
    assert runs == ["run"]
    assert second.data == first.data
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Access-Control-Allow-Origin"] == "*"
    etag = {"If-None-Match": first.headers["ETag"]}
    assert client.get("/sparql", query_string={"query": SELECT}, headers=etag).status_code == 304
    assert runs == ["run"]


def test_full_construct_is_streamed_with_flat_memory(running_server: RunningServer) -> None:
    endpoint = f"{running_server.base}/sparql"
    headers = {"Accept": "application/n-triples", "Accept-Encoding": "identity"}
    started = time.monotonic()
    response = requests.get(endpoint, params={"query": FULL_DUMP}, headers=headers, stream=True)
    chunks = response.iter_content(64 * 1024)
    first = next(chunks)
    first_byte = time.monotonic() - started  # a generous bound: streaming starts early
    assert response.headers.get("Transfer-Encoding") == "chunked"
    rss = [max_worker_rss(running_server.pid)]
    total, lines = len(first), first.count(b"\n")
    for chunk in chunks:
        total, lines = total + len(chunk), lines + chunk.count(b"\n")
        if total % (2 * 1024 * 1024) < len(chunk):
            rss.append(max_worker_rss(running_server.pid))
            time.sleep(0.01)  # a slowish client: the server must not buffer ahead
    assert first_byte < 5
    assert lines == BULK_SIZE and total > 15_000_000
    assert max(rss) - rss[0] < 5_000_000, rss


def max_worker_rss(master: int) -> int:
    """The largest resident set size (bytes) among the server's workers."""
    sizes = []
    for pid in worker_pids(master):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) * 1024)
    return max(sizes)


def test_query_longer_than_the_limit_is_413(endpoint: str) -> None:
    query = "ASK {}" + " " * 20_000
    response = http.post(endpoint, data=query, headers={"Content-Type":
                                                            "application/sparql-query"})
    assert response.status_code == 413
    assert "20000 characters" in response.json()["error"]["message"]


def test_body_larger_than_the_limit_is_413(endpoint: str) -> None:
    response = http.post(endpoint, data={"query": "ASK {}", "pad": "x" * 60_000})
    assert response.status_code == 413
    assert "limit is 50000 bytes" in response.json()["error"]["message"]


def test_result_larger_than_the_limit_is_413() -> None:
    app = create_app({"DLBIO_LOAD": [str(FIXTURES / "protocol.trig")],
                      "DLBIO_MAX_RESULT_BYTES": 200})
    response = app.test_client().get("/sparql", query_string={"query": SELECT})
    assert response.status_code == 413
    assert "larger than the limit of 200 bytes" in response.json["error"]["message"]


@pytest.mark.parametrize(
    ("params", "status"),
    [({"query": "SELECT * WHERE { ?s ?p }"}, 400), ({"query": "ASK {}", "update": "x"}, 403)],
)
def test_errors_never_leak_tracebacks_or_paths(endpoint: str, params: dict, status: int) -> None:
    for accept in ("application/json", "text/csv"):
        response = http.get(endpoint, params=params, headers={"Accept": accept})
        assert response.status_code == status
        assert "Traceback" not in response.text and "/work/" not in response.text
        assert "site-packages" not in response.text
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_unknown_path_is_a_json_404(server: str) -> None:
    response = http.get(f"{server}/nothing-here")
    assert response.status_code == 404
    assert "/sparql" in response.json()["error"]["message"]


def test_deep_nesting_is_refused_before_parsing(endpoint: str) -> None:
    # ~5000 nested groups crash the engine's parser; the shape check answers first
    query = "SELECT * " + "{" * 5000 + "}" * 5000
    response = http.post(endpoint, data={"query": query})
    assert response.status_code == 400
    assert "nesting is deeper than the limit" in response.json()["error"]["message"]
    assert http.get(endpoint, params={"query": "ASK {}"}).status_code == 200


def test_long_operator_chain_runs_without_crashing(endpoint: str) -> None:
    # 15,000 chained negations crash the engine on an 8 MB stack; long queries get a big one
    query = "ASK { FILTER(" + "!" * 15_000 + "true) }"
    response = http.post(endpoint, data=query, headers={"Content-Type":
                                                            "application/sparql-query"})
    assert response.status_code == 200
    assert response.json()["boolean"] is True
