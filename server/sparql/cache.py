"""A bounded in-memory result cache (least recently used entries go first).

The KG is immutable between builds, so a response is a pure function of (query, dataset
parameters, media type, encoding, build version): that tuple is the key. ``FrontCache`` adds a
fast path in front of Flask: a repeated GET (same query string, Accept and Accept-Encoding) is
answered with the stored response without entering the framework at all.

>>> cache = ResultCache(max_bytes=10, max_entry_bytes=8)
>>> cache.put(("q",), b"12345678", "text/csv"); cache.get(("q",))
(b'12345678', 'text/csv')
>>> cache.put(("r",), b"123456", "text/csv"); cache.get(("q",)) is None
True
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any

CACHEABLE = "dlbio.cacheable"  # environ flag set by the view for complete 200 results


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


class FrontCache:
    """WSGI middleware: replay complete responses to repeated GETs of ``path`` from the cache."""

    def __init__(self, app: Callable, cache: ResultCache, path: str = "/sparql",
                 version: Callable[[], str] = lambda: "") -> None:
        self.app, self.cache, self.path, self.version = app, cache, path, version

    def _key(self, environ: dict[str, Any]) -> tuple | None:
        if (environ.get("REQUEST_METHOD") != "GET" or environ.get("PATH_INFO") != self.path
                or "HTTP_IF_NONE_MATCH" in environ or not environ.get("QUERY_STRING")):
            return None
        return ("GET", environ["QUERY_STRING"], environ.get("HTTP_ACCEPT"),
                environ.get("HTTP_ACCEPT_ENCODING"), self.version())  # a new release: new keys

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        """Serve from the cache, or call the app and remember what it marked cacheable."""
        key = self._key(environ)
        if key is None:
            return self.app(environ, start_response)
        hit = self.cache.get(key)
        if hit is not None:
            start_response("200 OK", hit[1])
            return [hit[0]]
        seen: dict[str, Any] = {}

        def capture(status: str, headers: list, exc_info: Any = None) -> Callable:
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        if not environ.get(CACHEABLE) or not seen.get("status", "").startswith("200"):
            return result
        try:
            body = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        self.cache.put(key, body, list(seen["headers"]))
        return [body]
