"""Retirements take turns across the workers of one server, so that some socket always listens.

granian gives each worker its own ``SO_REUSEPORT`` listening socket. While a worker that retires
after a runaway (``server.runtime.deadline``) has stopped and granian's replacement does not
listen yet, new connections go to the other workers' sockets; if every worker stopped at once,
no socket would listen and new connections would be refused. So a retiring worker stops only
while holding the *baton* (``Turns``): an exclusive ``flock`` on a file the master creates before
it forks, taken before the worker's stop signal and released by the kernel when the worker
ends (also when it is killed), like the slots of ``server.runtime.limits``. Holding it, the
worker waits until a socket other than its own listens on its address (``others_listening``:
the kernel's table of listening sockets against the sockets this process holds), so with two
workers hit at once the second stops only once the first one's replacement listens (a socket
that listens queues new connections even before its worker accepts them). With one worker no
other socket can listen: it stops at once, and new connections are refused until its
replacement listens (granian's public API gives no way to hand a socket over).

>>> turns = Turns(workers=2)
>>> held = turns.baton()
>>> held is not None, turns.baton() is None  # one holder at a time
(True, True)
>>> os.close(held)  # or the holder ends
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import logging
import os
import tempfile
import time

LISTEN = "0A"  # the state column of /proc/net/tcp for a listening socket
TABLES = ("/proc/net/tcp", "/proc/net/tcp6")
POLL_SECONDS = 0.02
REPLACEMENT_PATIENCE = 30.0  # seconds a baton holder waits for another socket to listen
UNKNOWN_WAIT = 1.0  # where the listening sockets cannot be read (no /proc): a fixed pause

log = logging.getLogger(__name__)


def _own_sockets() -> set[str]:
    """The inodes of the sockets this process holds open."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # closed meanwhile (the listing's own descriptor, among others)
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _listening() -> list[tuple[str, str]]:
    """Every listening TCP socket of this network namespace: (table and address, inode)."""
    found = []
    for table in TABLES:
        try:
            lines = open(table, encoding="ascii")  # noqa: SIM115 (closed below)
        except FileNotFoundError:  # no IPv6
            continue
        with lines:
            next(lines, None)  # the header
            for line in lines:
                fields = line.split(maxsplit=10)  # many lines under load: no further
                if len(fields) > 9 and fields[3] == LISTEN:
                    found.append((table + " " + fields[1], fields[9]))
    return found


def others_listening() -> bool | None:
    """Whether a socket of another process listens on an address this process listens on;
    None when that cannot be told (no ``/proc``, or no listening socket found here)."""
    try:
        listening, mine = _listening(), _own_sockets()
    except OSError:
        return None
    addresses = {address for address, inode in listening if inode in mine}
    if not addresses:
        return None
    return any(address in addresses and inode not in mine for address, inode in listening)


class Turns:
    """The retirement baton of one server's ``workers`` (create it in the master, before the
    workers fork)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.owner = os.getpid()
        fd, self.path = tempfile.mkstemp(prefix="dlbio-retire-")
        os.close(fd)
        atexit.register(self._cleanup)

    def _cleanup(self) -> None:
        """Remove the baton file when the process that created it (the master) exits."""
        if os.getpid() == self.owner:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)

    def baton(self, patience: float = 0.0) -> int | None:
        """Take the baton (an open, exclusively locked descriptor, held until the process ends),
        waiting for it up to ``patience`` seconds; None if it stayed taken or is gone."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CLOEXEC)  # opened here: one lock per worker
        except OSError:
            return None
        stop = time.monotonic() + patience
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                if time.monotonic() >= stop:
                    os.close(fd)
                    return None
                time.sleep(POLL_SECONDS)

    def take_turn(self, patience: float) -> None:
        """Block until this worker may stop: it holds the baton (at most ``patience`` seconds of
        waiting for it) and another socket listens on its address (at most
        ``REPLACEMENT_PATIENCE`` seconds). With one worker, return at once."""
        if self.workers < 2:
            return
        if self.baton(patience) is None:
            log.warning("retiring without the baton (not free within %.0f s)", patience)
        stop = time.monotonic() + REPLACEMENT_PATIENCE
        while time.monotonic() < stop:
            found = others_listening()
            if found is None:
                time.sleep(UNKNOWN_WAIT)
                return
            if found:
                return
            time.sleep(POLL_SECONDS)
        log.warning("retiring although no other worker listens (none within %.0f s)",
                    REPLACEMENT_PATIENCE)
