"""The executor and the watchdog on real threads: hand-over, streaming, deadlines, replacement."""

from __future__ import annotations

import threading
import time

import pytest

from server.runtime.execution import (
    CHUNK_BYTES,
    ChunkWriter,
    Executor,
    Guard,
    QueryFailed,
    QueryTimeout,
)
from server.runtime.watchdog import Watchdog

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


def test_deadline_then_a_fresh_helper_after_abandon() -> None:
    executor = Executor()
    slow, stuck = writes(b"late", pause=1.0)
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        executor.run(slow, 0.2, 1024, LIMIT)
    assert time.monotonic() - started < 0.6
    executor.abandon()
    job, seen = writes(b"next")
    assert executor.run(job, 5, 1024, LIMIT).body == b"next"
    assert seen["thread"] != stuck["thread"]


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
    time.sleep(1.2)  # the producer notices within its 0.5 s wait for room
    count = len(produced)
    time.sleep(0.3)
    assert len(produced) == count


def test_guarded_job_runs_on_the_calling_thread() -> None:
    job, seen = writes(b"inline")
    guard = Guard(Watchdog(), lambda: None)
    outcome = Executor().run(job, 5, 1024, LIMIT, guard)
    assert outcome.body == b"inline" and seen["thread"] == threading.get_ident()


def test_guarded_job_that_outgrows_the_buffer_is_streamed_from_a_helper() -> None:
    parts = [b"q" * 1000] * 5
    job, seen = writes(*parts)
    outcome = Executor().run(job, 5, 1024, LIMIT, Guard(Watchdog(), lambda: None))
    assert outcome.rest is not None
    assert outcome.body + b"".join(outcome.rest) == b"".join(parts)
    assert seen["thread"] != threading.get_ident()  # produced again by the helper


def test_watchdog_fires_only_the_deadline_that_passed() -> None:
    dog, fired = Watchdog(), []
    late = dog.arm(0.1, lambda: fired.append("late"))
    kept = dog.arm(5.0, lambda: fired.append("kept"))
    time.sleep(0.4)
    assert fired == ["late"]
    assert dog.disarm(late) is False  # the expiry action owns that response
    assert dog.disarm(kept) is True
    time.sleep(0.1)
    assert fired == ["late"]


def test_watchdog_guards_several_threads_at_once() -> None:
    dog, fired = Watchdog(), []
    barrier = threading.Barrier(4)

    def request(name: str, seconds: float, work: float) -> None:
        barrier.wait()
        token = dog.arm(seconds, lambda: fired.append(name))
        time.sleep(work)
        dog.disarm(token)

    threads = [
        threading.Thread(target=request, args=(f"t{i}", 0.15 if i == 2 else 5.0, 0.4))
        for i in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fired == ["t2"]
