"""Per-client concurrency limit shared by every worker: 429 + Retry-After past the share.

Workers are separate processes, so the count lives in the kernel: each client
(``REMOTE_ADDR``) has ``limit`` slot files in a directory the master creates before forking, and
a request holds an exclusive ``flock`` on one free slot until its response is closed. When every
slot is taken the client gets 429. A worker that dies (SIGKILL, deadline exit) releases its lock
with its file descriptors, so nothing leaks and no client stays locked out.

>>> limiter = ClientLimiter(1)
>>> slot = limiter.acquire("192.0.2.1")
>>> slot is not None, limiter.acquire("192.0.2.1") is None, limiter.acquire("192.0.2.2") is not None
(True, True, True)
>>> slot.release()
"""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from server.web.errors import error_reply
from server.web.httputil import CORS_LIST, status_line

RETRY_AFTER_SECONDS = 1
# a request finishing on another worker may still hold its slot for a moment after the client got
# the last byte: wait this long for a slot before answering 429
GRACE_SECONDS = 0.25
GRACE_POLL_SECONDS = 0.01


class Slot:
    """One held concurrency slot (an open, exclusively locked file)."""

    def __init__(self, fd: int) -> None:
        self.fd: int | None = fd

    def release(self) -> None:
        """Unlock and close (idempotent)."""
        if self.fd is not None:
            fd, self.fd = self.fd, None
            os.close(fd)  # closing the only descriptor drops the flock


class ClientLimiter:
    """At most ``limit`` concurrent requests per client key, across processes sharing ``folder``."""

    def __init__(self, limit: int, folder: str | None = None) -> None:
        self.limit = limit
        self.owner = os.getpid()
        self.folder = folder or tempfile.mkdtemp(prefix="dlbio-clients-")
        if folder is None:
            atexit.register(self._cleanup)

    def _cleanup(self) -> None:
        """Remove the slot folder when the process that created it (the master) exits."""
        if os.getpid() == self.owner:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _path(self, key: str, index: int) -> str:
        digest = hashlib.blake2s(key.encode("utf-8", "replace"), digest_size=12).hexdigest()
        return os.path.join(self.folder, f"{digest}-{index}")

    def acquire(self, key: str, grace: float = 0.0) -> Slot | None:
        """A free slot of ``key`` (locked), or None when all ``limit`` slots stay held ``grace`` s."""
        stop = time.monotonic() + grace
        while True:
            slot = self._try_acquire(key)
            if slot is not None or time.monotonic() >= stop:
                return slot
            time.sleep(GRACE_POLL_SECONDS)

    def _try_acquire(self, key: str) -> Slot | None:
        for index in range(self.limit):
            fd = os.open(self._path(key, index), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            return Slot(fd)
        return None


class _Releasing:
    """A WSGI response iterable that releases the slot when the server closes it."""

    def __init__(self, result: Iterable[bytes], slot: Slot) -> None:
        self.result, self.slot = result, slot

    def __iter__(self) -> Iterator[bytes]:
        yield from self.result
        # the client has every byte: free the slot now, not when the server gets to close(),
        # or a strictly sequential client could find its previous request still counted
        self.slot.release()

    def close(self) -> None:
        """Close the wrapped response, then give the slot back."""
        try:
            getattr(self.result, "close", lambda: None)()
        finally:
            self.slot.release()


def too_many(environ: dict[str, Any], limit: int) -> tuple[str, list[tuple[str, str]], bytes]:
    """The 429 response (JSON unless the client accepts no JSON)."""
    message = (f"too many concurrent requests from your address: the limit is {limit}; "
               f"retry after {RETRY_AFTER_SECONDS} s")
    reply = error_reply(429, message, environ.get("HTTP_ACCEPT"),
                        {"Retry-After": str(RETRY_AFTER_SECONDS)})
    return status_line(429), reply.headers + CORS_LIST, reply.body  # type: ignore[return-value]


class ConcurrencyLimit:
    """WSGI middleware applying a ``ClientLimiter`` by ``REMOTE_ADDR`` to every request."""

    def __init__(self, app: Callable, limiter: ClientLimiter) -> None:
        self.app, self.limiter = app, limiter

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        """Hold a slot for the whole request and response, or answer 429."""
        slot = self.limiter.acquire(environ.get("REMOTE_ADDR") or "unknown", GRACE_SECONDS)
        if slot is None:
            status, headers, body = too_many(environ, self.limiter.limit)
            start_response(status, headers)
            return [body]
        try:
            return _Releasing(self.app(environ, start_response), slot)
        except BaseException:
            slot.release()
            raise
