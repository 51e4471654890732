"""HTTP details shared by the routes: ETags and 304s, gzip, CORS, framework-free replies.

>>> matches_etag('W/"v1-abc", "v2"', '"v1-abc"')
True
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass

from flask import Flask, Response, request

VARY = "Accept, Accept-Encoding"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Content-Length, Content-Encoding",
}
CORS_LIST = list(CORS_HEADERS.items())  # what ``add_cors`` appends, for WSGI header lists
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
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
    """A response built without the framework (served by Flask or by ``server.sparql.fastpath``).

    ``headers`` lists the headers in the order Flask emits them (``Content-Length`` right after
    ``Content-Type`` for a complete body); CORS headers are added by whoever sends the reply.
    ``on_close`` runs once the response has been sent.
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


def add_cors(response: Response) -> Response:
    """``Access-Control-Allow-Origin: *`` everywhere; full answers to preflight requests."""
    response.headers.update(CORS_HEADERS)
    if request.method == "OPTIONS":
        response.headers.update(PREFLIGHT_HEADERS)
        asked = request.headers.get("Access-Control-Request-Headers")
        response.headers["Access-Control-Allow-Headers"] = asked or "Accept, Content-Type"
    return response


def register(app: Flask) -> None:
    """Install the CORS hook on ``app`` and the security headers around all of it."""
    from server.web.security import SecureHeaders

    app.after_request(add_cors)
    app.wsgi_app = SecureHeaders(app.wsgi_app)  # type: ignore[method-assign]
