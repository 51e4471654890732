"""The query deadline, behind one interface: ``Deadlines.run(job, seconds, …)`` returns the
outcome or raises ``QueryTimeout``; ``Deadlines.after_timeout()`` then ends the worker.

pyoxigraph cannot cancel a running query, so every query runs on a helper thread
(``server.runtime.execution``) while the request thread waits for it with the deadline and
answers 503 itself; only ending the process stops the runaway. After its 503 the worker
*retires*: every later response closes its connection (``closing``), and once the 503 has been
sent and ``DRAIN_SECONDS`` have passed the worker stops accepting the way the front stops it
(SIGTERM), waits until the requests in
flight (``serving``) have been answered, and ends; ``grace`` seconds after the signal it ends
whatever still runs. The front forks a replacement. Under ``dlbio serve`` the workers retire one
at a time (``take_turns``, ``server.runtime.turns``): a retiring worker sends itself the signal
only while it holds the server's retirement baton and another worker's socket listens, so runaways
hitting every worker at once never leave the address without a listening socket (the 503 still
goes out at the deadline; only the stop waits).
granian's public ``Server`` treats a worker that dies within 5.5 s of its respawn as a crash loop
and exits, so a worker younger than ``MIN_LIFE`` seconds keeps serving (the runaway keeps its
CPU meanwhile) until it is that old.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from server.runtime.execution import ChunkWriter, Executor, Outcome, QueryTimeout
from server.runtime.turns import REPLACEMENT_PATIENCE, Turns
from server.web.httputil import ClosingBody

MIN_LIFE = 6.0  # seconds a worker lives at least: granian's crash-loop window is 5.5 s
DRAIN_SECONDS = 0.2  # answering with Connection: close before the stop: busy kept-alive
# connections are closed by the server after an answer, not while a request is on its way
FLUSH_SECONDS = 0.2  # after the last request in flight left the app: time to send its bytes
POLL_SECONDS = 0.02

__all__ = ["Deadlines", "QueryTimeout"]

_born = [time.monotonic()]  # when this process started (a forked worker: when it was forked)


def _reborn() -> None:
    _born[0] = time.monotonic()
    _retiring.clear()


_retiring = threading.Event()  # this process retires: its answers close their connections
os.register_at_fork(after_in_child=_reborn)


class Deadlines:
    """Runs jobs within a deadline; what a timed-out worker does next (``end_worker``, within
    ``grace`` seconds of its stop signal)."""

    def __init__(self, end_worker: bool = True, grace: float = 31.0) -> None:
        self.end_worker, self.grace = end_worker, grace
        self.executor = Executor()
        self._serving = 0  # requests in flight in this process
        self._lock = threading.Lock()
        self.turns: Turns | None = None

    def take_turns(self, workers: int) -> None:
        """Make the ``workers`` of one server retire one at a time (call it in the master,
        before the workers fork)."""
        self.turns = Turns(workers)

    def serving(self, app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
        """``app`` counted as in flight while it runs and, for a streamed body, until the body
        is closed: a retiring worker ends once nothing is in flight."""

        def counted(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
            with self._lock:
                self._serving += 1
            try:
                body = app(environ, start_response)
            except BaseException:
                self._left()
                raise
            if isinstance(body, list):  # complete: sent right after this (``FLUSH_SECONDS``)
                self._left()
                return body
            return ClosingBody(body, self._left)  # counted out once closed

        return counted

    def _left(self) -> None:
        with self._lock:
            self._serving -= 1

    def run(self, job: Callable[[ChunkWriter], Any], seconds: float, threshold: int,
            limit: int) -> Outcome:
        """Run ``job`` on a helper thread; its first output within ``seconds``, else
        ``QueryTimeout`` (the job keeps running until ``after_timeout`` ends the worker)."""
        return self.executor.run(job, seconds, threshold, limit)

    @property
    def closing(self) -> bool:
        """Whether this worker is retiring: its responses must close their connections."""
        return _retiring.is_set()

    def after_timeout(self) -> None:
        """Once a timeout's 503 is sent: end this worker (or, if workers must not end, forget
        the helper stuck in the runaway; the process then lives on with it)."""
        if not self.end_worker:
            self.executor.abandon()
            return
        if _retiring.is_set():
            return
        _retiring.set()
        wait = max(DRAIN_SECONDS, MIN_LIFE - (time.monotonic() - _born[0]))
        threading.Thread(target=self._stop, args=(wait,), name="dlbio-retire",
                         daemon=True).start()

    def _stop(self, wait: float) -> None:
        """Stop accepting as the front would (SIGTERM) after ``wait`` seconds and, with
        ``take_turns``, once this worker's turn has come; then end the process once nothing is
        in flight (``grace`` seconds after the signal at the latest)."""
        time.sleep(wait)
        if self.turns is not None:  # a holder keeps the baton for its wait and grace at most
            self.turns.take_turn(REPLACEMENT_PATIENCE + self.grace + FLUSH_SECONDS + 1.0)
        os.kill(os.getpid(), signal.SIGTERM)
        stop = time.monotonic() + self.grace
        while self._serving > 0 and time.monotonic() < stop:
            time.sleep(POLL_SECONDS)
        time.sleep(FLUSH_SECONDS)
        os._exit(0)
