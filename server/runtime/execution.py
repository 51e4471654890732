"""Query execution on helper threads, with results handed over in chunks.

pyoxigraph cannot cancel a running query and ignores signals meanwhile (it releases the GIL), so
a query runs on a helper thread of its request thread, with a large stack, while the request
thread waits for the output with a time budget (``server.runtime.deadline`` decides what happens
to the worker after a timeout). The budget only counts time spent waiting for the engine, not
time spent sending results to a slow client; results beyond the first ``threshold`` bytes are
streamed with bounded memory. Handing a job to a helper costs one lock release and each message
one ``SimpleQueue`` put.
"""

from __future__ import annotations

import _thread
import contextlib
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

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


class Channel:
    """Messages from a producer to its consumer, with at most ``QUEUE_CHUNKS`` data chunks queued.

    Built on ``queue.SimpleQueue`` (implemented in C): a hand-over costs one lock wake-up.
    """

    def __init__(self) -> None:
        self.messages: queue.SimpleQueue = queue.SimpleQueue()
        self.credits: queue.SimpleQueue = queue.SimpleQueue()
        for _ in range(QUEUE_CHUNKS):
            self.credits.put(None)

    def receive(self, timeout: float) -> tuple[str, Any]:
        """The next message; raises ``queue.Empty`` after ``timeout`` seconds."""
        message = self.messages.get(timeout=timeout)
        if message[0] == "data":
            self.credits.put(None)
        return message


class ChunkWriter:
    """A binary file-like sink for pyoxigraph serializers that feeds a bounded channel."""

    def __init__(self, channel: Channel | None, threshold: int, limit: int) -> None:
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
        """Put a message on the channel; a data chunk waits for room, unless the consumer left."""
        assert self.channel is not None
        if message[0] == "data":
            while True:
                if self.cancelled:
                    raise Cancelled
                try:
                    self.channel.credits.get(timeout=0.5)
                    break
                except queue.Empty:
                    continue
        self.channel.messages.put(message)


@dataclass
class Outcome:
    """The start of a result: ``body`` is complete unless ``rest`` streams the remainder."""

    body: bytes
    meta: Any
    rest: Iterator[bytes] | None = None


def _produce(job: Callable[[ChunkWriter], Any], writer: ChunkWriter,
             finished: Callable[[], None]) -> None:
    """Run ``job`` and send its last message; ``finished`` runs just before that message."""
    try:
        job(writer)
        final: tuple[str, Any] = ("done", (writer.take(), writer.meta))
    except Cancelled:
        finished()
        return
    except BaseException as exc:  # QueryFailed and the engine's own errors, for the consumer
        final = ("error", exc)
    finished()
    writer.send(final)


class _Helper:
    """A thread with a big stack that runs the jobs of one request thread, one at a time.

    Handing a job over is one lock release; the helper ends once its request thread has moved on
    to another helper (when this one was busy, or was abandoned in a runaway query).
    """

    def __init__(self, slot: _Slot) -> None:
        self.slot, self.busy, self.native_id = slot, False, 0
        self._go = _thread.allocate_lock()
        self._go.acquire()
        self._task: tuple[Callable[[ChunkWriter], Any], ChunkWriter] | None = None
        ready = _thread.allocate_lock()
        ready.acquire()
        previous = threading.stack_size(STACK_BYTES)
        try:
            threading.Thread(target=self._loop, args=(ready,), name="dlbio-query",
                             daemon=True).start()
        finally:
            threading.stack_size(previous)
        ready.acquire()  # native_id is known from here on

    def start(self, job: Callable[[ChunkWriter], Any], writer: ChunkWriter) -> None:
        """Run ``job`` into ``writer`` on the helper thread."""
        self.busy, self._task = True, (job, writer)
        self._go.release()

    def _finished(self) -> None:
        self.busy = False

    def _loop(self, ready: Any) -> None:
        self.native_id = threading.get_native_id()
        ready.release()
        while True:
            self._go.acquire()
            task, self._task = self._task, None
            if task is not None:
                _produce(task[0], task[1], self._finished)
            if self.slot.helper is not self:
                return

    def wake(self) -> None:
        """Let an idle helper notice that it has been replaced (and end)."""
        with contextlib.suppress(RuntimeError):  # not waiting for a job: it will notice itself
            self._go.release()


@dataclass
class _Slot:
    """One request thread's helper (per process: a thread-local survives a fork)."""

    pid: int
    helper: _Helper | None = None


class Executor:
    """Runs jobs on helper threads, one per request thread; ``run`` waits within a budget."""

    def __init__(self) -> None:
        self._local = threading.local()

    def _slot(self) -> _Slot:
        slot: _Slot | None = getattr(self._local, "slot", None)
        if slot is None or slot.pid != os.getpid():
            slot = self._local.slot = _Slot(os.getpid())
        return slot

    def _helper(self) -> _Helper:
        slot = self._slot()
        helper = slot.helper
        if helper is None or helper.busy:  # never started, or still streaming an earlier answer
            slot.helper = _Helper(slot)
            if helper is not None:
                helper.wake()
        return slot.helper

    def abandon(self) -> None:
        """Forget the calling thread's helper, stuck in a runaway query (the process lives on)."""
        self._slot().helper = None

    def run(self, job: Callable[[ChunkWriter], Any], budget: float, threshold: int,
            limit: int) -> Outcome:
        """Run ``job`` (which serializes into the writer it gets) and wait for its first output.

        Raises ``QueryTimeout`` when ``budget`` seconds pass first and ``QueryFailed`` for errors
        meant for the client; other engine errors are re-raised as they are.
        """
        started = time.monotonic()
        channel = Channel()
        writer = ChunkWriter(channel, threshold, limit)
        self._helper().start(job, writer)
        kind, payload = _checked(_receive(channel, _left(started, budget), writer))
        if kind == "done":
            return Outcome(payload[0], payload[1])
        return Outcome(payload[0], payload[1], _stream(channel, started, budget, writer))


def _left(started: float, budget: float) -> float:
    return max(budget - (time.monotonic() - started), 0.0)


def _receive(channel: Channel, timeout: float, writer: ChunkWriter) -> tuple[str, Any]:
    """The next message within ``timeout``; the producer is told to stop when none came."""
    try:
        return channel.receive(timeout)
    except queue.Empty:
        writer.cancelled = True
        raise QueryTimeout from None


def _checked(message: tuple[str, Any]) -> tuple[str, Any]:
    """A data or done message; an error message is raised."""
    if message[0] == "error":
        raise message[1]
    return message


def _stream(channel: Channel, started: float, budget: float,
            writer: ChunkWriter) -> Iterator[bytes]:
    try:
        while True:
            kind, payload = _checked(_receive(channel, _left(started, budget), writer))
            if payload[0]:
                yield payload[0]
            if kind == "done":
                return
    finally:
        writer.cancelled = True
