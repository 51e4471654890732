"""The result cache: bounded, in memory, per worker (least recently used entries go first).

The KG is immutable between builds, so a response is a pure function of (query, dataset
parameters, media type, encoding, build version): that tuple is the key, and the SPARQL
application (``server.sparql.endpoint``) is its only user.

>>> cache = ResultCache(max_bytes=10, max_entry_bytes=8)
>>> cache.put(("q",), b"12345678", "text/csv"); cache.get(("q",))
(b'12345678', 'text/csv')
>>> cache.put(("r",), b"123456", "text/csv"); cache.get(("q",)) is None
True
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class ResultCache:
    """LRU mapping of key → (body, metadata), bounded by the total size of the bodies."""

    def __init__(self, max_bytes: int, max_entry_bytes: int) -> None:
        self.max_bytes, self.max_entry_bytes = max_bytes, max_entry_bytes
        self._entries: OrderedDict[Hashable, tuple[bytes, Any]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> tuple[bytes, Any] | None:
        """The cached body and its metadata for ``key``, if any."""
        if not self.max_bytes:  # a disabled cache holds nothing: no lock on the request path
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: Hashable, body: bytes, meta: Any) -> None:
        """Remember a response, evicting the least recently used ones to stay within bounds."""
        if not self.max_bytes or len(body) > min(self.max_entry_bytes, self.max_bytes):
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old[0])
            self._entries[key] = (body, meta)
            self._size += len(body)
            while self._size > self.max_bytes:
                _, (evicted, _) = self._entries.popitem(last=False)
                self._size -= len(evicted)

    def __len__(self) -> int:
        return len(self._entries)
