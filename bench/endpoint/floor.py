"""The floor of the Python HTTP stack: a trivial WSGI app under the same gunicorn setup.

It answers every request with a fixed small SPARQL JSON body, so its throughput is the most any
Python app served by gunicorn sync workers can reach on the machine (no framework, no engine).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

BODY = b'{"head":{"vars":["p","o"]},"results":{"bindings":[]}}'


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    """Return the fixed body."""
    start_response("200 OK", [("Content-Type", "application/sparql-results+json"),
                              ("Content-Length", str(len(BODY)))])
    return [BODY]
