"""A per-process deadline guard for work done on request threads themselves.

Small queries are cheapest run right on the request thread (no hand-over to a helper thread), but
pyoxigraph cannot be interrupted there. Each request thread arms its own deadline; the watchdog
thread checks the armed deadlines a few times per second and, when one passes, runs its expiry
action (answer 503 on the request's connection and end the process) unless the request thread
disarmed it first. Arming and disarming are one dictionary update each: a set, and a ``pop``
that exactly one of the request thread and the watchdog wins (dictionary operations are atomic
under the GIL, so no lock is taken on the request path).

>>> dog = Watchdog()
>>> token = dog.arm(5.0, lambda: None); dog.disarm(token)
True
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable

from server.runtime.procid import current_pid

POLL_SECONDS = 0.05


class Watchdog:
    """Fires a request thread's ``on_expire`` if that thread overruns the deadline it armed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: dict[int, tuple[float, Callable[[], None]]] = {}
        self._tokens = itertools.count()
        self._pid = 0

    def _ensure_thread(self) -> None:
        if self._pid != current_pid():  # threads do not survive a fork
            with self._lock:
                if self._pid != current_pid():
                    self._pid = current_pid()
                    self._armed.clear()  # the parent's requests are not this process's
                    threading.Thread(target=self._watch, name="dlbio-watchdog",
                                     daemon=True).start()

    def arm(self, seconds: float, on_expire: Callable[[], None]) -> int:
        """Start guarding: ``on_expire`` runs on the watchdog thread after ``seconds``.

        Returns the token that ``disarm`` takes.
        """
        self._ensure_thread()
        token = next(self._tokens)
        self._armed[token] = (time.monotonic() + seconds, on_expire)
        return token

    def disarm(self, token: int) -> bool:
        """Stop guarding; False if the deadline already fired (the response is not ours)."""
        return self._armed.pop(token, None) is not None

    def _expired(self) -> list[Callable[[], None]]:
        now = time.monotonic()
        due = [token for token, (deadline, _) in list(self._armed.items()) if deadline <= now]
        taken = (self._armed.pop(token, None) for token in due)  # a disarm may win the race
        return [entry[1] for entry in taken if entry is not None]

    def _watch(self) -> None:
        while True:
            time.sleep(POLL_SECONDS)
            for action in self._expired():
                action()
