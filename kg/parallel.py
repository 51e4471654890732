"""The build's second core: work in a child process, a failing child raised as BuildFailed.

:class:`Forked` shares the parent's records and triples copy-on-write (nothing large is pickled;
only the small result crosses back); :class:`Spawned` starts a fresh interpreter, for the store.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.errors import BuildFailed


def _run(send: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        send.send((True, fn(*args)))
    except BaseException:  # reported to the parent, which raises it as BuildFailed
        send.send((False, traceback.format_exc()))
    finally:
        send.close()


class Forked:
    """``fn(*args)`` started in a forked child; :meth:`result` waits for its return value.

    >>> Forked(sum, [1, 2, 3]).result()
    6
    """

    def __init__(self, fn: Callable[..., Any], *args: Any):
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(send, fn, args), daemon=True)
        self._process.start()
        send.close()
        self._name = getattr(fn, "__name__", repr(fn))

    def result(self) -> Any:
        """The child's return value; raises BuildFailed if it raised or died."""
        try:
            ok, value = self._receive.recv()
        except EOFError:
            ok, value = False, "exited without a result"
        finally:
            self._receive.close()
            self._process.join()
        if not ok:
            raise BuildFailed(f"{self._name} (worker process): {value}")
        return value

    def cancel(self) -> None:
        """Stop the child if it is still running (a build that failed elsewhere)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receive.close()


class Spawned:
    """``module.function(*args)`` in a fresh interpreter, for work that must not be forked.

    The store is one: RocksDB's background threads do not survive a fork, so a forked child of a
    process that has opened a store waits for them forever. ``args`` are strings (paths).
    """

    def __init__(self, module: str, function: str, *args: str):
        package_root = str(Path(__file__).resolve().parents[1])
        path = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
        code = f"import sys; from {module} import {function} as f; f(*sys.argv[1:])"
        self._name = f"{module}.{function}"
        self._process = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            env=os.environ | {"PYTHONPATH": path},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def result(self) -> None:
        """Wait for the child; raises BuildFailed with its error output if it failed."""
        _, errors = self._process.communicate()
        if self._process.returncode != 0:
            tail = errors.decode("utf-8", "replace").strip()[-2000:]
            raise BuildFailed(f"{self._name} (worker process) failed: {tail}")

    def cancel(self) -> None:
        """Stop the child if it is still running."""
        if self._process.poll() is None:
            self._process.terminate()
        self._process.communicate()


class Inline:
    """``fn(*args)`` run at once in this process, for work too small to pay for a worker (its
    exceptions are raised here); the same :meth:`result` as the workers."""

    def __init__(self, fn: Callable[..., Any], *args: Any):
        self._value = fn(*args)

    def result(self) -> Any:
        """The value computed at construction."""
        return self._value

    def cancel(self) -> None:
        """Nothing to stop."""
