"""A per-process deadline guard for work done on request threads themselves.

Small queries are cheapest run right on the request thread (no hand-over to a helper thread), but
pyoxigraph cannot be interrupted there. Each request thread arms its own deadline; the watchdog
thread checks the armed deadlines a few times per second and, when one passes, runs its expiry
action (answer 503 on the request's connection and end the process) unless the request thread
disarmed it first. Arming and disarming take a lock for a dictionary update.

>>> dog = Watchdog()
>>> token = dog.arm(5.0, lambda: None); dog.disarm(token)
True
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable

POLL_SECONDS = 0.05


class Watchdog:
    """Fires a request thread's ``on_expire`` if that thread overruns the deadline it armed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: dict[int, tuple[float, Callable[[], None]]] = {}
        self._tokens = itertools.count()
        self._pid = 0

    def _ensure_thread(self) -> None:
        if self._pid != os.getpid():  # threads do not survive a fork
            with self._lock:
                if self._pid != os.getpid():
                    self._pid = os.getpid()
                    self._armed.clear()  # the parent's requests are not this process's
                    threading.Thread(target=self._watch, name="dlbio-watchdog",
                                     daemon=True).start()

    def arm(self, seconds: float, on_expire: Callable[[], None]) -> int:
        """Start guarding: ``on_expire`` runs on the watchdog thread after ``seconds``.

        Returns the token that ``disarm`` takes.
        """
        self._ensure_thread()
        token = next(self._tokens)
        deadline = time.monotonic() + seconds
        with self._lock:
            self._armed[token] = (deadline, on_expire)
        return token

    def disarm(self, token: int) -> bool:
        """Stop guarding; False if the deadline already fired (the response is not ours)."""
        with self._lock:
            return self._armed.pop(token, None) is not None

    def _expired(self) -> list[Callable[[], None]]:
        now = time.monotonic()
        with self._lock:
            due = [token for token, (deadline, _) in self._armed.items() if deadline <= now]
            return [self._armed.pop(token)[1] for token in due]

    def _watch(self) -> None:
        while True:
            time.sleep(POLL_SECONDS)
            for action in self._expired():
                action()
