"""This process's id without a system call per read (glibc no longer caches ``getpid``).

Per-process state (threads, sockets, maps) must be rebuilt after a fork; code on the request
path checks whether it is still in the process that built it. ``current_pid`` reads a value
that ``os.register_at_fork`` refreshes in every child.

>>> import os
>>> current_pid() == os.getpid()
True
"""

from __future__ import annotations

import os

_pid = os.getpid()


def _forked() -> None:
    global _pid
    _pid = os.getpid()


os.register_at_fork(after_in_child=_forked)


def current_pid() -> int:
    """The id of the calling process."""
    return _pid
