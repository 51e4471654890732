"""Ending a worker whose query hit the deadline: the only way to stop pyoxigraph's engine.

Under gunicorn sync workers a process serves one request at a time, so it exits right after its
503 (``exit_now``). Under granian a worker also holds other clients' kept-alive connections and
requests in flight on its other threads, so it *retires* in two steps, both before its 503
leaves:

1. it drains for ``DRAIN_SECONDS``: it keeps serving, but every response it sends says
   ``Connection: close`` (``draining``), so each busy kept-alive connection is closed by the
   server right after an answer and the client's next request opens a new connection;
2. it asks itself to stop the way the server's master would (SIGTERM: stop accepting, close
   idle connections, answer what is in flight) and gives the signal ``STOP_ACCEPTING`` seconds
   to land. New connections, the 503's client's next one among them, then wait in the worker
   slot's listen queue (the master holds the socket) for the replacement the master forks.

Closing idle kept-alive connections races with a client that sends on one at that instant (the
request is lost); draining first leaves only connections idle for the whole drain to that race.
A backstop ends the process ``RETIRE_GRACE`` seconds after the deadline whatever is still
running (also a request accepted during the drain), so the runaway's CPU is freed within a
second.

A query that hit the deadline on a request thread holds that thread until the process ends, so
its 503 is sent from the watchdog thread: under gunicorn on the raw socket, under granian through
granian's response handle of the request (``GRANIAN_HANDLE`` in the environ, put there by
``server.runtime.serve``), which is safe to call from any thread and answers only once.
"""

from __future__ import annotations

import os
import signal
import threading
import time

GRANIAN_HANDLE = "dlbio.granian_response"  # environ key: granian's handle of the request
RETIRE_GRACE = 0.8  # seconds from the deadline to the end of the process
DRAIN_SECONDS = 0.2  # seconds of answering with Connection: close before stopping
STOP_ACCEPTING = 0.1  # seconds for the worker to stop accepting, before the 503 goes out

_retiring = threading.Event()


def exit_now() -> None:
    """End this process at once (gunicorn sync: nothing else is in flight here)."""
    os._exit(0)


def draining() -> bool:
    """Whether this worker is retiring: its responses must close their connections."""
    return _retiring.is_set()


def retire(front: str) -> None:
    """End this worker: at once under gunicorn; under granian drain, then stop gracefully.

    Under granian it returns once the worker has stopped accepting (``DRAIN_SECONDS`` +
    ``STOP_ACCEPTING``), or at once when the worker is already retiring.
    """
    if front != "granian":
        exit_now()
    if _retiring.is_set():
        return
    _retiring.set()
    backstop = threading.Timer(RETIRE_GRACE, exit_now)
    backstop.daemon = True
    backstop.start()
    time.sleep(DRAIN_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(STOP_ACCEPTING)  # the signal is handled on another thread: let it land first
