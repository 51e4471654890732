"""The executor and the deadline interface on real threads: hand-over, streaming, deadlines,
replacement. Outcomes and order are asserted, never how long something took."""

from __future__ import annotations

import threading
import time

import pytest

from server.runtime.deadline import Deadlines
from server.runtime.execution import (
    CHUNK_BYTES,
    ChunkWriter,
    Executor,
    QueryFailed,
    QueryTimeout,
)

LIMIT = 10**9


def writes(*parts: bytes, meta: str = "fmt", pause: float = 0.0):
    """A job that writes ``parts`` (after ``pause`` seconds) and records its thread."""
    seen: dict[str, int] = {}

    def job(writer: ChunkWriter) -> None:
        seen["thread"] = threading.get_ident()
        writer.meta = meta
        time.sleep(pause)
        for part in parts:
            writer.write(part)

    return job, seen


def test_small_result_comes_back_whole_from_a_helper_thread() -> None:
    job, seen = writes(b"a", b"b")
    outcome = Executor().run(job, 5, 1024, LIMIT)
    assert (outcome.body, outcome.meta, outcome.rest) == (b"ab", "fmt", None)
    assert seen["thread"] != threading.get_ident()


def test_each_request_thread_keeps_its_helper() -> None:
    executor, helpers = Executor(), []
    for _ in range(3):
        job, seen = writes(b"x")
        executor.run(job, 5, 1024, LIMIT)
        helpers.append(seen["thread"])
    assert len(set(helpers)) == 1


def test_large_result_is_streamed_in_chunks() -> None:
    parts = [bytes([65 + i % 26]) * 10_000 for i in range(60)]
    job, _ = writes(*parts)
    outcome = Executor().run(job, 5, 1024, LIMIT)
    assert outcome.rest is not None and len(outcome.body) >= 1024
    chunks = list(outcome.rest)
    assert outcome.body + b"".join(chunks) == b"".join(parts)
    assert max(map(len, chunks)) < CHUNK_BYTES + 10_000


def test_errors_reach_the_caller() -> None:
    def fails(writer: ChunkWriter) -> None:
        raise QueryFailed(400, "bad query")

    with pytest.raises(QueryFailed, match="bad query"):
        Executor().run(fails, 5, 1024, LIMIT)


def test_result_limit_is_enforced() -> None:
    job, _ = writes(b"x" * 600, b"y" * 600)
    with pytest.raises(QueryFailed) as caught:
        Executor().run(job, 5, 10_000, 1000)
    assert caught.value.status == 413


def blocked() -> tuple[object, dict[str, int], threading.Event]:
    """A job that waits until its event is set (a runaway query, as far as the caller knows)."""
    release, seen = threading.Event(), {}

    def job(writer: ChunkWriter) -> None:
        seen["thread"] = threading.get_ident()
        release.wait(60)
        writer.write(b"late")

    return job, seen, release


def test_deadline_then_a_fresh_helper_after_abandon() -> None:
    executor = Executor()
    slow, stuck, release = blocked()
    with pytest.raises(QueryTimeout):
        executor.run(slow, 0.2, 1024, LIMIT)
    executor.abandon()
    job, seen = writes(b"next")
    assert executor.run(job, 5, 1024, LIMIT).body == b"next"
    assert seen["thread"] != stuck["thread"]
    release.set()


def test_deadlines_that_keep_the_worker_abandon_the_runaway() -> None:
    deadlines = Deadlines(end_worker=False)
    slow, stuck, release = blocked()
    with pytest.raises(QueryTimeout):
        deadlines.run(slow, 0.2, 1024, LIMIT)
    deadlines.after_timeout()
    assert not deadlines.closing  # the worker lives on: its connections stay open
    job, seen = writes(b"next")
    assert deadlines.run(job, 5, 1024, LIMIT).body == b"next"
    assert seen["thread"] != stuck["thread"]
    release.set()


def wait_until_stable(counter: list, seconds: float = 0.6, patience: float = 30.0) -> bool:
    """Whether ``counter`` stops growing for ``seconds`` within ``patience`` seconds."""
    stop = time.monotonic() + patience
    while time.monotonic() < stop:
        count = len(counter)
        time.sleep(seconds)
        if len(counter) == count:
            return True
    return False


def test_a_busy_helper_is_replaced_and_a_dropped_stream_stops_its_producer() -> None:
    executor = Executor()
    produced = []

    def endless(writer: ChunkWriter) -> None:
        while True:
            writer.write(b"z" * 10_000)
            produced.append(1)

    outcome = executor.run(endless, 5, 1024, LIMIT)
    assert outcome.rest is not None
    next(outcome.rest)
    job, _ = writes(b"meanwhile")  # the first helper is still producing
    assert executor.run(job, 5, 1024, LIMIT).body == b"meanwhile"
    outcome.rest.close()  # the client went away
    assert wait_until_stable(produced)  # the producer notices within its 0.5 s wait for room
