"""Every error becomes a short JSON or plain-text message: never a traceback or a file path.

The one renderer of error responses, for the SPARQL application and Flask's handlers alike:
``ApiError`` carries its own status, werkzeug's HTTP errors keep theirs (with our wording for the
common ones), anything else is a 500 with a generic message.
"""

from __future__ import annotations

import json
import logging

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from server.web.httputil import METHODS, Reply, to_response

MESSAGES = {
    404: "not found: the SPARQL endpoint is at /sparql",
    405: "method not allowed: use GET or POST",
    413: "request body too large",
}
log = logging.getLogger("server")


class ApiError(Exception):
    """An error answered to the client with ``status`` and a human-readable ``message``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


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
                headers: dict[str, str] | None = None) -> Reply:
    """The complete error response (without the CORS headers every response gets)."""
    body, content_type = error_body(status, message, accept)
    head = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    return Reply(status, head + list((headers or {}).items()), body)


def reply_for(error: Exception, accept: str | None, body_limit: int | None = None) -> Reply:
    """The response to any exception: ``ApiError``, werkzeug's HTTP errors, or a logged 500."""
    if isinstance(error, ApiError):
        return error_reply(error.status, error.message, accept, error.headers)
    if isinstance(error, HTTPException):
        status = error.code or 500
        message = MESSAGES.get(status) or (error.description or error.name)
        if status == 413:
            message = f"request body too large: the limit is {body_limit} bytes"
        headers = {"Allow": METHODS} if status == 405 else None
        return error_reply(status, message, accept, headers)
    log.error("unhandled error", exc_info=error)
    return error_reply(500, "internal server error", accept)


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """Render an error for the current Flask request."""
    return to_response(error_reply(status, message, request.headers.get("Accept"), headers))


def register(app: Flask) -> None:
    """Install the error handlers on ``app`` (all through ``reply_for``)."""

    @app.errorhandler(Exception)
    def _error(error: Exception) -> Response:
        accept = request.headers.get("Accept")
        return to_response(reply_for(error, accept, app.config.get("MAX_CONTENT_LENGTH")))
