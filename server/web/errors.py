"""Every error becomes a short JSON or plain-text message: never a traceback or a file path.

Statuses are mapped in one place: ``ApiError`` carries its own, werkzeug's HTTP errors keep theirs
(with our wording for the common ones), anything else is a 500 with a generic message.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from server.web.httputil import Reply, to_response
from server.web.security import SECURITY_LIST

MESSAGES = {
    404: "not found: the SPARQL endpoint is at /sparql",
    405: "method not allowed: use GET or POST",
    413: "request body too large",
}


class ApiError(Exception):
    """An error answered to the client with ``status`` and a human-readable ``message``.

    ``on_close`` runs once the error response has been sent (e.g. to end the worker).
    """

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None,
                 on_close: Callable[[], None] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}
        self.on_close = on_close


def wants_json(accept: str | None) -> bool:
    """Errors are JSON unless the client's Accept names no JSON type and no wildcard."""
    accept = (accept or "").lower()
    return not accept or "json" in accept or "*/*" in accept


def error_body(status: int, message: str, accept: str | None) -> tuple[bytes, str]:
    """An error as ``{"error": {"status", "message"}}`` or as text: the bytes and Content-Type."""
    if wants_json(accept):
        body = json.dumps({"error": {"status": status, "message": message}}) + "\n"
        return body.encode("utf-8"), "application/json"
    return (message + "\n").encode("utf-8"), "text/plain; charset=utf-8"


def error_reply(status: int, message: str, accept: str | None,
                headers: dict[str, str] | None = None,
                on_close: Callable[[], None] | None = None) -> Reply:
    """The complete error response (without the CORS headers every response gets)."""
    body, content_type = error_body(status, message, accept)
    head = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    return Reply(status, head + list((headers or {}).items()), body, on_close)


def api_error_reply(error: ApiError, accept: str | None) -> Reply:
    """The response to an ``ApiError``."""
    return error_reply(error.status, error.message, accept, error.headers, error.on_close)


def unexpected_reply(app: Flask, accept: str | None) -> Reply:
    """Log the exception being handled and answer a generic 500 (never a traceback)."""
    app.logger.exception("unhandled error")
    return error_reply(500, "internal server error", accept)


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """Render an error for the current Flask request."""
    return to_response(error_reply(status, message, request.headers.get("Accept"), headers))


def raw_error(status: int, reason: str, message: str, accept: str | None) -> bytes:
    """A complete HTTP/1.1 error response as bytes, for writing straight to a socket.

    Used when the request thread cannot answer (it is stuck in the engine past the deadline).
    """
    data, content_type = error_body(status, message, accept)
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(data)}\r\nConnection: close\r\n"
        "Access-Control-Allow-Origin: *\r\n"
        + "".join(f"{name}: {value}\r\n" for name, value in SECURITY_LIST)
        + "\r\n"
    )
    return head.encode("ascii") + data


def register(app: Flask) -> None:
    """Install the error handlers on ``app``."""

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> Response:
        return to_response(api_error_reply(error, request.headers.get("Accept")))

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        message = MESSAGES.get(status) or (error.description or error.name)
        if status == 413:
            limit = app.config.get("MAX_CONTENT_LENGTH")
            message = f"request body too large: the limit is {limit} bytes"
        headers = {"Allow": "GET, POST, OPTIONS"} if status == 405 else None
        return error_response(status, message, headers)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        return to_response(unexpected_reply(app, request.headers.get("Accept")))
