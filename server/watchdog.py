"""A per-process deadline guard for work done on the request thread itself.

Small queries are cheapest run right on the request thread (no hand-over to a helper thread), but
pyoxigraph cannot be interrupted there. The watchdog thread checks the armed deadline a few times
per second; when it passes, it runs the expiry action (answer 503 on the raw socket and end the
process) unless the request thread disarmed it first. Arming costs two attribute writes.

>>> dog = Watchdog()
>>> dog.arm(5.0, lambda: None); dog.disarm()
True
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

POLL_SECONDS = 0.05


class Watchdog:
    """Fires ``on_expire`` if the request thread overruns the deadline it armed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deadline: float | None = None
        self._on_expire: Callable[[], None] | None = None
        self._fired = False
        self._pid = 0

    def _ensure_thread(self) -> None:
        if self._pid != os.getpid():  # threads do not survive gunicorn's fork
            self._pid = os.getpid()
            threading.Thread(target=self._watch, name="dlbio-watchdog", daemon=True).start()

    def arm(self, seconds: float, on_expire: Callable[[], None]) -> None:
        """Start guarding: ``on_expire`` runs on the watchdog thread after ``seconds``."""
        self._ensure_thread()
        self._on_expire = on_expire
        self._deadline = time.monotonic() + seconds

    def disarm(self) -> bool:
        """Stop guarding; False if the deadline already fired (the response is not ours)."""
        with self._lock:
            self._deadline = None
            return not self._fired

    def _watch(self) -> None:
        while True:
            time.sleep(POLL_SECONDS)
            with self._lock:
                deadline = self._deadline
                if deadline is None or time.monotonic() < deadline:
                    continue
                self._fired, self._deadline = True, None
                action = self._on_expire
            if action is not None:
                action()
