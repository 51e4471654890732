"""Every error becomes a short JSON or plain-text message: never a traceback or a file path.

Statuses are mapped in one place: ``ApiError`` carries its own, werkzeug's HTTP errors keep theirs
(with our wording for the common ones), anything else is a 500 with a generic message.
"""

from __future__ import annotations

import json

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

MESSAGES = {
    404: "not found: the SPARQL endpoint is at /sparql",
    405: "method not allowed: use GET or POST",
    413: "request body too large",
}


class ApiError(Exception):
    """An error answered to the client with ``status`` and a human-readable ``message``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def wants_json(accept: str | None) -> bool:
    """Errors are JSON unless the client's Accept names no JSON type and no wildcard."""
    accept = (accept or "").lower()
    return not accept or "json" in accept or "*/*" in accept


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """Render an error as ``{"error": {"status", "message"}}`` or as text."""
    if wants_json(request.headers.get("Accept")):
        body = json.dumps({"error": {"status": status, "message": message}})
        response = Response(body + "\n", status, mimetype="application/json")
    else:
        response = Response(message + "\n", status, content_type="text/plain; charset=utf-8")
    response.headers.update(headers or {})
    return response


def raw_error(status: int, reason: str, message: str, accept: str | None) -> bytes:
    """A complete HTTP/1.1 error response as bytes, for writing straight to a socket.

    Used when the request thread cannot answer (it is stuck in the engine past the deadline).
    """
    if wants_json(accept):
        body = json.dumps({"error": {"status": status, "message": message}}) + "\n"
        content_type = "application/json"
    else:
        body, content_type = message + "\n", "text/plain; charset=utf-8"
    data = body.encode("utf-8")
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(data)}\r\nConnection: close\r\n"
        "Access-Control-Allow-Origin: *\r\n\r\n"
    )
    return head.encode("ascii") + data


def register(app: Flask) -> None:
    """Install the error handlers on ``app``."""

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> Response:
        return error_response(error.status, error.message, error.headers)

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
        app.logger.exception("unhandled error")
        return error_response(500, "internal server error")
