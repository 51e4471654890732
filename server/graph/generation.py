"""The newest release generation any worker has served, shared by all workers of one server.

Workers follow rebuilds on their own (each polls the ``current`` symlink), so without a common
reference a client whose requests land on different workers could see the old release again
after the new one. The barrier: a worker *publishes* a release's generation before it serves
it, and a worker that finds a newer generation published than the one it holds catches up
before it answers. Publishing happens before the response exists, so once any client has seen
generation G, every request it sends afterwards starts after G was published.

The number lives in a shared 8-byte map of an unlinked temporary file created before the
server forks (``dlbio serve`` builds the app in the master), so every worker, including those
forked later, maps the same page. Reads are lock-free (an aligned 8-byte word, read until two
reads agree); raising it takes an ``flock`` on the file, which the kernel releases even when the
holder is killed.

>>> shared = SharedGeneration()
>>> shared.read(), shared.raise_to(7), shared.raise_to(3), shared.read()
(0, True, False, 7)
"""

from __future__ import annotations

import fcntl
import mmap
import struct
import tempfile

_WORD = struct.Struct("=q")


class SharedGeneration:
    """A monotonically increasing integer shared across forked processes."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="dlbio-generation-")  # noqa: SIM115 (lives as long as the server)
        self._file.write(b"\0" * mmap.PAGESIZE)
        self._file.flush()
        self._map = mmap.mmap(self._file.fileno(), mmap.PAGESIZE, mmap.MAP_SHARED)

    def read(self) -> int:
        """The newest generation published so far (0: none)."""
        value = _WORD.unpack_from(self._map)[0]
        while True:  # a torn read cannot repeat itself
            again = _WORD.unpack_from(self._map)[0]
            if again == value:
                return value
            value = again

    def raise_to(self, generation: int) -> bool:
        """Publish ``generation`` unless a newer one already is; True if it was raised."""
        fcntl.flock(self._file.fileno(), fcntl.LOCK_EX)
        try:
            if _WORD.unpack_from(self._map)[0] >= generation:
                return False
            _WORD.pack_into(self._map, 0, generation)
            return True
        finally:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
