"""Floors: the most a Python app can serve on this machine under our fronts and settings.

``app`` answers every request with a fixed small SPARQL JSON body (no framework, no engine): the
floor of the Python HTTP stack. ``engine_app`` adds pyoxigraph and nothing else: it runs the
``query`` parameter on an in-memory store of the files named in ``DLBIO_BENCH_FILES`` and returns
the SPARQL JSON (no protocol checks, negotiation, ETag or deadline): the floor of any Python
endpoint built on the same engine.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from functools import cache
from urllib.parse import parse_qs

import pyoxigraph as ox

BODY = b'{"head":{"vars":["p","o"]},"results":{"bindings":[]}}'


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    """Return the fixed body."""
    start_response("200 OK", [("Content-Type", "application/sparql-results+json"),
                              ("Content-Length", str(len(BODY)))])
    return [BODY]


@cache
def _store() -> ox.Store:
    store = ox.Store()
    for path in os.environ["DLBIO_BENCH_FILES"].split(os.pathsep):
        store.bulk_load(path=path, format=ox.RdfFormat.from_extension(path.rsplit(".", 1)[-1]))
    return store


if os.environ.get("DLBIO_BENCH_FILES"):
    _store()  # loaded before granian forks its workers


def engine_app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    """Run the query of the query string and return its results as SPARQL JSON."""
    query = parse_qs(environ.get("QUERY_STRING", ""))["query"][0]
    body = _store().query(query).serialize(format=ox.QueryResultsFormat.JSON)
    start_response("200 OK", [("Content-Type", "application/sparql-results+json"),
                              ("Content-Length", str(len(body)))])
    return [body]
