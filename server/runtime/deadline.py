"""The query deadline, behind one interface: ``Deadlines.run(job, seconds, …)`` returns the
outcome or raises ``QueryTimeout``; ``Deadlines.after_timeout()`` then ends the worker.

pyoxigraph cannot cancel a running query, so every query runs on a helper thread
(``server.runtime.execution``) while the request thread waits for it with the deadline and
answers 503 itself; only ending the process stops the runaway. After its 503 the worker
*retires*: every later response closes its connection (``closing``), and once the 503 has been
sent the worker stops the way the front stops it (SIGTERM: stop accepting, finish what is in
flight, exit); a backstop ends it ``grace`` seconds later (a query's deadline and a second, so
the requests in flight get their answers); the front forks a replacement.
granian's public ``Server`` treats a worker that dies within 5.5 s of its respawn as a crash loop
and exits, so a worker younger than ``MIN_LIFE`` seconds keeps serving (the runaway keeps its
CPU meanwhile) until it is that old.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from server.runtime.execution import ChunkWriter, Executor, Outcome, QueryTimeout
from server.runtime.procid import current_pid

MIN_LIFE = 6.0  # seconds a worker lives at least: granian's crash-loop window is 5.5 s

__all__ = ["Deadlines", "QueryTimeout"]


class Deadlines:
    """Runs jobs within a deadline; what a timed-out worker does next (``end_worker``, within
    ``grace`` seconds of its stop signal)."""

    def __init__(self, end_worker: bool = True, grace: float = 31.0) -> None:
        self.end_worker, self.grace = end_worker, grace
        self.executor = Executor()
        self._retiring = threading.Event()
        self._born = (0, 0.0)  # (pid, monotonic time the pid was first seen)

    def run(self, job: Callable[[ChunkWriter], Any], seconds: float, threshold: int,
            limit: int) -> Outcome:
        """Run ``job`` on a helper thread; its first output within ``seconds``, else
        ``QueryTimeout`` (the job keeps running until ``after_timeout`` ends the worker)."""
        self._age()
        return self.executor.run(job, seconds, threshold, limit)

    @property
    def closing(self) -> bool:
        """Whether this worker is retiring: its responses must close their connections."""
        return self._retiring.is_set()

    def after_timeout(self) -> None:
        """Once a timeout's 503 is sent: end this worker (or, if workers must not end, forget
        the helper stuck in the runaway; the process then lives on with it)."""
        if not self.end_worker:
            self.executor.abandon()
            return
        if self._retiring.is_set():
            return
        self._retiring.set()
        wait = max(0.0, MIN_LIFE - self._age())
        threading.Thread(target=_stop, args=(wait, self.grace), name="dlbio-retire",
                         daemon=True).start()

    def _age(self) -> float:
        pid, born = self._born
        if pid != current_pid():  # a new worker (forked): its clock starts now
            self._born = pid, born = current_pid(), time.monotonic()
            self._retiring.clear()
        return time.monotonic() - born


def _stop(wait: float, grace: float) -> None:
    """Stop this process as the front would (SIGTERM), after ``wait`` seconds; end it for sure
    ``grace`` seconds later."""
    time.sleep(wait)
    backstop = threading.Timer(grace, os._exit, args=(0,))
    backstop.daemon = True
    backstop.start()
    os.kill(os.getpid(), signal.SIGTERM)
