"""The invariants every fuzzed response must hold: no 5xx but a deadline 503, no internals leaked."""

from __future__ import annotations

import re

import requests

LEAKS = re.compile(
    rb"Traceback \(most recent call last\)|File \"/|site-packages|\.py\", line \d|/work/|/tmp/"
)
QUERY_TIMEOUT = 2.0  # seconds: the deadline of the reliability servers
# a query that cannot finish within the deadline (a cross product of the whole KG)
RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { VALUES ?a { 1 2 3 4 5 6 7 8 9 10 } "
           + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(6)) + " }")
DEADLINE_WORDS = (b"deadline", b"timeout", b"timed out", b"time limit")


def problems(status: int, body: bytes) -> list[str]:
    """What is wrong with one response (empty: nothing)."""
    found = []
    if status >= 500 and not (status == 503 and any(w in body.lower() for w in DEADLINE_WORDS)):
        found.append(f"server error {status}: {body[:300]!r}")
    leak = LEAKS.search(body[:1_000_000])
    if leak:
        found.append(f"internal detail in the body: {body[max(0, leak.start() - 80):leak.end() + 80]!r}")
    return found


# responses checked in this process, by status class (the report run writes it out)
CHECKED: dict[str, int] = {}


def check(response: requests.Response) -> None:
    """Assert the invariants on a ``requests`` response."""
    kind = f"{response.status_code // 100}xx"
    CHECKED[kind] = CHECKED.get(kind, 0) + 1
    assert not problems(response.status_code, response.content), (
        f"{response.request.method} {response.request.url}: "
        f"{problems(response.status_code, response.content)}"
    )


def assert_still_up(base: str) -> None:
    """The server answers a trivial query correctly."""
    answer = requests.get(f"{base}/sparql", params={"query": "ASK {}"},
                          headers={"Accept": "application/sparql-results+json"}, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.json()["boolean"] is True
