"""``Content-Encoding: gzip`` for every text answer whose client accepts it.

One ``after_request`` hook for the whole app: complete bodies of at least ``DLBIO_GZIP_MIN_BYTES``
are compressed at once, streamed bodies (files) chunk by chunk. A gzipped answer has its own ETag
(``"…-gzip"``), so a revalidation with it answers 304; a ``Range`` request gets the identity bytes
its offsets refer to. Answers that choose their encoding themselves keep it: ``/sparql`` (its results
are gzipped by ``server.sparql.endpoint``, which Flask never sees) and the dumps (which
send their precomputed ``.gz``). Every compressible answer says ``Vary: Accept-Encoding``.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from server.web.httputil import gzip_bytes, gzip_stream, matches_etag
from server.web.negotiation import accepts_gzip

#: Media types (besides ``text/*``, ``*+json`` and ``*+xml``) that are text.
TEXT_TYPES = frozenset({
    "application/json", "application/javascript", "application/xml", "application/n-triples",
    "application/n-quads", "application/trig", "application/sparql-query", "image/svg+xml",
})
SKIP_STATUSES = frozenset({204, 206, 304})


def is_text(mimetype: str) -> bool:
    """Whether a media type is text worth compressing (``application/gzip`` is not)."""
    return (mimetype.startswith("text/") or mimetype in TEXT_TYPES
            or mimetype.endswith(("+json", "+xml")))


def add_vary(response: Response, field: str) -> None:
    """Add ``field`` to the ``Vary`` header unless it is already named."""
    present = [v.strip() for v in response.headers.get("Vary", "").split(",") if v.strip()]
    if field.lower() not in (v.lower() for v in present):
        response.headers["Vary"] = ", ".join([*present, field])


def gzip_etag(etag: str) -> str:
    """The ETag of the gzipped variant: ``"v1-abc"`` → ``"v1-abc-gzip"`` (weak stays weak)."""
    weak, tag = ("W/", etag[2:]) if etag.startswith("W/") else ("", etag)
    return f'{weak}"{tag.strip(chr(34))}-gzip"'


def _compress_body(response: Response) -> bool:
    """Compress ``response`` in place; False when it is too small to be worth it."""
    if response.is_streamed or response.direct_passthrough:
        source = response.response
        response.response = gzip_stream(iter(source))
        response.direct_passthrough = False
        if hasattr(source, "close"):
            response.call_on_close(source.close)
        response.headers.pop("Content-Length", None)
        response.headers.pop("Accept-Ranges", None)
        return True
    body = response.get_data()
    if len(body) < current_app.config["DLBIO_GZIP_MIN_BYTES"]:
        return False
    response.set_data(gzip_bytes(body))
    return True


def _not_modified(response: Response, etag: str) -> Response:
    """Turn ``response`` (with every header the other hooks set) into a 304 for ``etag``."""
    if hasattr(response.response, "close"):
        response.response.close()
    response.response, response.direct_passthrough = [], False
    response.status_code = 304
    for header in ("Content-Length", "Content-Type", "Accept-Ranges"):
        response.headers.pop(header, None)
    response.headers["ETag"] = etag
    return response


def compress(response: Response) -> Response:
    """The ``after_request`` hook: gzip a text answer the client accepts gzipped."""
    if (response.status_code in SKIP_STATUSES or response.status_code < 200
            or "Content-Encoding" in response.headers or not is_text(response.mimetype or "")):
        return response
    add_vary(response, "Accept-Encoding")
    if "Range" in request.headers or not accepts_gzip(request.headers.get("Accept-Encoding")):
        return response
    etag = response.headers.get("ETag")
    if etag and matches_etag(request.headers.get("If-None-Match"), gzip_etag(etag)):
        return _not_modified(response, gzip_etag(etag))
    if not _compress_body(response):
        return response
    response.headers["Content-Encoding"] = "gzip"
    if etag:
        response.headers["ETag"] = gzip_etag(etag)
    return response


def register(app: Flask) -> None:
    """Install the hook (registered first, so it runs after every other ``after_request``)."""
    app.after_request_funcs.setdefault(None, []).insert(0, compress)
