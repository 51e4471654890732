"""Query execution under a wall-clock deadline, with results handed over in chunks.

pyoxigraph cannot cancel a running query and ignores signals meanwhile (it releases the GIL), so
each gunicorn worker runs its queries on a helper thread (with a large stack, so long operator
chains cannot overflow it) and waits for the results with a time budget. When the budget runs out
the request is answered 503 and the whole worker process exits right after the response
(``exit_after``): that is the only way to stop the engine, and gunicorn replaces the worker at
once. The sync worker serves one request at a time, so the exit costs no other request.

The budget only counts time spent waiting for the engine, not time spent sending results to a
slow client; results beyond the first ``threshold`` bytes are streamed with bounded memory.

Under gunicorn, short queries first run right on the request thread, guarded by the process
watchdog (``server.watchdog``), which saves the hand-over to the helper thread; only results that
outgrow one buffer are produced again on the helper thread and streamed.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from server.watchdog import Watchdog

STACK_BYTES = 512 * 1024 * 1024  # virtual; only touched pages are committed
CHUNK_BYTES = 64 * 1024
QUEUE_CHUNKS = 4


class QueryTimeout(Exception):
    """The engine did not deliver within the deadline."""


class QueryFailed(Exception):
    """The engine reported an error meant for the client (status and message)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class Cancelled(Exception):
    """The consumer went away; the producer stops serializing."""


class _Overflow(Exception):
    """An inline run produced more than fits in one response buffer."""


class ChunkWriter:
    """A binary file-like sink for pyoxigraph serializers that feeds a bounded queue."""

    def __init__(self, channel: queue.Queue, threshold: int, limit: int) -> None:
        self.channel, self.threshold, self.limit = channel, threshold, limit
        self.parts: list[bytes] = []
        self.pending = self.total = 0
        self.started = False
        self.meta: Any = None  # set by the job before it serializes (e.g. the chosen format)
        self.cancelled = False  # set by the consumer when it stops reading

    def write(self, data: bytes) -> int:
        """Buffer ``data``; hand a chunk over when enough is buffered."""
        self.total += len(data)
        if self.total > self.limit:
            raise QueryFailed(413, f"the result is larger than the limit of {self.limit} bytes")
        self.parts.append(bytes(data))
        self.pending += len(data)
        if self.pending >= (CHUNK_BYTES if self.started else self.threshold):
            self.started = True
            self.send(("data", (self.take(), self.meta)))
        return len(data)

    def flush(self) -> None:
        """Serializers may flush; chunks are only handed over by size."""

    def take(self) -> bytes:
        """Everything buffered so far."""
        data, self.parts, self.pending = b"".join(self.parts), [], 0
        return data

    def send(self, message: tuple[str, Any]) -> None:
        """Put a message on the queue, giving up when the consumer has gone."""
        while not self.cancelled:
            try:
                self.channel.put(message, timeout=0.5)
                return
            except queue.Full:
                continue
        raise Cancelled


class InlineWriter(ChunkWriter):
    """Buffers a whole (small) result; overflowing the threshold aborts the inline run."""

    def send(self, message: tuple[str, Any]) -> None:
        """There is no consumer to hand chunks to: give up on running inline."""
        raise _Overflow


@dataclass
class Outcome:
    """The start of a result: ``body`` is complete unless ``rest`` streams the remainder."""

    body: bytes
    meta: Any
    rest: Iterator[bytes] | None = None


def _produce(job: Callable[[ChunkWriter], Any], writer: ChunkWriter) -> None:
    try:
        job(writer)
        writer.send(("done", (writer.take(), writer.meta)))
    except Cancelled:
        return
    except QueryFailed as exc:
        writer.send(("error", exc))
    except BaseException as exc:  # the engine's own errors, reported to the consumer
        writer.send(("error", exc))


class Executor:
    """Helper threads (one per request thread); ``run`` waits for a job's output in a budget."""

    def __init__(self, threads: int = 1) -> None:
        self.threads = max(1, threads)
        self._pool: ThreadPoolExecutor | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def _get_pool(self) -> ThreadPoolExecutor:
        if self._pool is not None and self._pid == os.getpid():
            return self._pool
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                self._start_pool()
        assert self._pool is not None
        return self._pool

    def _start_pool(self) -> None:
        previous = threading.stack_size(STACK_BYTES)
        try:
            pool = ThreadPoolExecutor(self.threads, "dlbio-query")
            started = threading.Barrier(self.threads)
            for _ in range(self.threads):  # start every thread with the big stack now
                pool.submit(started.wait)
            pool.submit(int).result()
            self._pool, self._pid = pool, os.getpid()
        finally:
            threading.stack_size(previous)

    def abandon(self) -> None:
        """Forget a helper thread stuck in a runaway query (when the process must live on)."""
        self._pool = None

    def run(self, job: Callable[[ChunkWriter], Any], budget: float, threshold: int,
            limit: int, guard: Guard | None = None) -> Outcome:
        """Run ``job`` (which serializes into the writer it gets) and wait for its first output.

        With a ``guard`` the job first runs on the calling thread, watched by the watchdog; a
        result larger than ``threshold`` is then produced again on the helper thread and
        streamed. Raises ``QueryTimeout`` when ``budget`` seconds pass first and ``QueryFailed``
        for errors meant for the client; other engine errors are re-raised as they are.
        """
        if guard is not None:
            started = time.monotonic()
            outcome = _run_inline(job, budget, threshold, limit, guard)
            if outcome is not None:
                return outcome
            budget -= time.monotonic() - started
        channel: queue.Queue = queue.Queue(QUEUE_CHUNKS)
        writer = ChunkWriter(channel, threshold, limit)
        self._get_pool().submit(_produce, job, writer)
        kind, payload, budget = _receive(channel, budget, writer)
        if kind == "done":
            return Outcome(payload[0], payload[1])
        return Outcome(payload[0], payload[1], _stream(channel, budget, writer))


@dataclass(frozen=True)
class Guard:
    """How to run on the request thread: the process watchdog and what it does at the deadline."""

    watchdog: Watchdog
    on_expire: Callable[[], None]


def _run_inline(job: Callable[[ChunkWriter], Any], budget: float, threshold: int, limit: int,
                guard: Guard) -> Outcome | None:
    writer = InlineWriter(None, threshold, limit)  # type: ignore[arg-type]
    guard.watchdog.arm(budget, guard.on_expire)
    try:
        job(writer)
    except _Overflow:
        return None
    finally:
        if not guard.watchdog.disarm():
            time.sleep(60)  # the watchdog is answering 503 and ending this process
    return Outcome(writer.take(), writer.meta)


def _receive(channel: queue.Queue, budget: float, writer: ChunkWriter) -> tuple[str, Any, float]:
    started = time.monotonic()
    try:
        kind, payload = channel.get(timeout=max(budget, 0.0))
    except queue.Empty:
        writer.cancelled = True
        raise QueryTimeout from None
    if kind == "error":
        raise payload
    return kind, payload, budget - (time.monotonic() - started)


def _stream(channel: queue.Queue, budget: float, writer: ChunkWriter) -> Iterator[bytes]:
    try:
        while True:
            kind, payload, budget = _receive(channel, budget, writer)
            if payload[0]:
                yield payload[0]
            if kind == "done":
                return
    finally:
        writer.cancelled = True
