"""Ending a worker whose query hit the deadline: the only way to stop pyoxigraph's engine.

Under gunicorn sync workers a process serves one request at a time, so it exits right after its
503 (``exit_now``). Under granian a worker also holds other clients' kept-alive connections and
requests in flight on its other threads, so it *retires*: it asks itself to stop the way the
server's master would (SIGTERM: stop accepting, close idle connections, answer what is in
flight), and a backstop ends the process after ``RETIRE_GRACE`` seconds whatever is still
running, so the runaway's CPU is freed within a second. The master forks a replacement. The worker
starts retiring *before* its 503 leaves (and gives the signal ``STOP_ACCEPTING`` seconds to land),
so the client's next request is accepted by another worker, or waits in the shared listen
queue for the replacement, instead of reaching the retiring one.

A query that hit the deadline on a request thread holds that thread until the process ends, so
its 503 is sent from the watchdog thread: under gunicorn on the raw socket, under granian through
granian's response handle of the request (``GRANIAN_HANDLE`` in the environ, put there by
``server.serve``), which is safe to call from any thread and answers only once.
"""

from __future__ import annotations

import os
import signal
import threading
import time

GRANIAN_HANDLE = "dlbio.granian_response"  # environ key: granian's handle of the request
RETIRE_GRACE = 0.8  # seconds other requests of a retiring worker get to finish
STOP_ACCEPTING = 0.1  # seconds for the worker to stop accepting, before the 503 goes out


def exit_now() -> None:
    """End this process at once (gunicorn sync: nothing else is in flight here)."""
    os._exit(0)


def retire(front: str) -> None:
    """Stop this worker gracefully if the front allows it, else at once."""
    if front != "granian":
        exit_now()
    backstop = threading.Timer(RETIRE_GRACE, exit_now)
    backstop.daemon = True
    backstop.start()
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(STOP_ACCEPTING)  # the signal is handled on another thread: let it land first
