"""HTTP details shared by the routes: ETags and 304s, gzip, CORS, framework-free replies.

>>> matches_etag('W/"v1-abc", "v2"', '"v1-abc"')
True
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flask import Response, request
from werkzeug.http import HTTP_STATUS_CODES

VARY = "Accept, Accept-Encoding"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Content-Length, Content-Encoding",
}
CORS_LIST = list(CORS_HEADERS.items())  # what ``add_cors`` appends, for WSGI header lists
METHODS = "GET, POST, OPTIONS"  # what /sparql answers (HEAD too, as GET without the body)
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": METHODS,
    "Access-Control-Max-Age": "86400",
}


def make_etag(version: str, key: Hashable) -> str:
    """A strong ETag: the build version plus a digest of what selects the representation."""
    digest = hashlib.blake2b(repr(key).encode("utf-8"), digest_size=9).hexdigest()
    return f'"{version}-{digest}"'


def matches_etag(if_none_match: str | None, etag: str) -> bool:
    """Weak comparison of an ``If-None-Match`` header against ``etag`` (``*`` matches all)."""
    if not if_none_match:
        return False
    candidates = [part.strip() for part in if_none_match.split(",")]
    return "*" in candidates or etag in (c.removeprefix("W/") for c in candidates)


def gzip_bytes(body: bytes) -> bytes:
    """gzip-compress a complete body."""
    compressor = zlib.compressobj(5, zlib.DEFLATED, 31)
    return compressor.compress(body) + compressor.flush()


def gzip_stream(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """gzip-compress a stream chunk by chunk (memory stays flat)."""
    compressor = zlib.compressobj(5, zlib.DEFLATED, 31)
    for chunk in chunks:
        data = compressor.compress(chunk)
        if data:
            yield data
    yield compressor.flush()


@dataclass
class Reply:
    """A response built without the framework (sent by ``send`` or turned into a Flask
    response by ``to_response``). CORS headers are added by whoever sends it; ``on_close`` runs
    once the response has been sent.
    """

    status: int
    headers: list[tuple[str, str]]
    body: bytes | Iterable[bytes] = b""
    on_close: Callable[[], None] | None = None


def to_response(reply: Reply) -> Response:
    """The Flask response for ``reply`` (a stream is passed through as it is)."""
    stream = not isinstance(reply.body, bytes)
    response = Response(reply.body, reply.status, headers=reply.headers, direct_passthrough=stream)
    if reply.on_close is not None:
        response.call_on_close(reply.on_close)
    return response


@lru_cache(maxsize=64)
def status_line(status: int) -> str:
    """The WSGI status line werkzeug writes (``200 OK``, ``503 SERVICE UNAVAILABLE``)."""
    return f"{status} {HTTP_STATUS_CODES.get(status, 'unknown').upper()}"


class ClosingBody:
    """A response body that runs ``on_close`` after the server closes it."""

    def __init__(self, body: Iterable[bytes], on_close: Callable[[], None]) -> None:
        self.body, self.on_close = body, on_close

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        """Close the body, then run the action."""
        try:
            getattr(self.body, "close", lambda: None)()
        finally:
            self.on_close()


def send(reply: Reply, start_response: Callable[..., Any], method: str = "GET",
         extra: list[tuple[str, str]] | None = None) -> Iterable[bytes]:
    """Start ``reply`` as a WSGI response with the CORS headers (and ``extra``); no body for
    HEAD or 304."""
    start_response(status_line(reply.status), reply.headers + CORS_LIST + (extra or []))
    body = reply.body
    if isinstance(body, bytes):
        body = [body] if reply.status != 304 and method != "HEAD" else []
    return body if reply.on_close is None else ClosingBody(body, reply.on_close)


def add_cors(response: Response) -> Response:
    """``Access-Control-Allow-Origin: *`` everywhere; full answers to preflight requests."""
    response.headers.update(CORS_HEADERS)
    if request.method == "OPTIONS":
        response.headers.update(PREFLIGHT_HEADERS)
        asked = request.headers.get("Access-Control-Request-Headers")
        response.headers["Access-Control-Allow-Headers"] = asked or "Accept, Content-Type"
    return response
