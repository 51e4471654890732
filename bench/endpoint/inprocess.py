"""In-process cost of one uncached /sparql request: the app called with a prebuilt WSGI environ.

No server, no sockets: what is measured is the Python side of a request (dispatcher, request
parsing, checks, negotiation, ETag, execution on the helper thread, serialization), uncached and
cached.

    .venv/bin/python bench/endpoint/inprocess.py                 # cold and cached
    .venv/bin/python bench/endpoint/inprocess.py --profile 20    # cProfile top 20 (cold)
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from typing import Any

from server import create_app

QUERY_STRING = (
    "query=SELECT%20%3Fp%20%3Fo%20WHERE%20%7B%20%3Chttp%3A%2F%2Fedamontology.org%2Fdata_0006%3E"
    "%20%3Fp%20%3Fo%20%7D"
)


def environ() -> dict[str, Any]:
    """A GET /sparql environ for the lookup, as a WSGI server would pass it."""
    env: dict[str, Any] = {
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": "/sparql",
        "QUERY_STRING": QUERY_STRING, "SERVER_NAME": "localhost", "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "localhost:8000",
        "HTTP_ACCEPT": "application/sparql-results+json", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False,
    }
    return env


def run(app: Any, count: int) -> float:
    """Seconds per request over ``count`` requests (each gets a fresh copy of the environ)."""
    template = environ()
    seen: list[str] = []

    def start_response(status: str, headers: list, exc_info: Any = None) -> None:
        seen.append(status)

    def one() -> None:
        result = app(dict(template), start_response)
        b"".join(result)
        getattr(result, "close", lambda: None)()

    for _ in range(200):  # warm up: caches, helper thread
        one()
    started = time.perf_counter()
    for _ in range(count):
        one()
    elapsed = time.perf_counter() - started
    assert set(seen) == {"200 OK"}, set(seen)
    return elapsed / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", type=int, metavar="N", help="cProfile top N (cold)")
    args = parser.parse_args()
    apps = {name: create_app({"DLBIO_CACHE_BYTES": size}).wsgi_app
            for name, size in (("cold", 0), ("cached", 64 * 1024 * 1024))}
    if args.profile:
        run(apps["cold"], 200)
        profiler = cProfile.Profile()
        profiler.enable()
        run(apps["cold"], args.count)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
        return
    rounds: dict[str, list[float]] = {name: [] for name in apps}
    for _ in range(args.rounds):  # interleaved: background load hits both alike
        for name, app in apps.items():
            rounds[name].append(run(app, args.count) * 1e6)
    for name, values in rounds.items():
        print(f"{name:6}  best {min(values):6.1f}  median {sorted(values)[len(values) // 2]:6.1f}"
              " µs/request")


if __name__ == "__main__":
    main()
