"""A framework-free fast path: common ``/sparql`` queries answered straight from the WSGI environ.

Flask's per-request machinery (request context, URL adapter, request and response objects,
header structures, hooks) costs more than a small query. ``FastPath`` sits between the cache and
limit middlewares and the Flask app: a ``GET /sparql?query=…`` or a ``POST /sparql`` with a form
or ``application/sparql-query`` body is parsed by ``server.sparql.protocol`` (on a ``RawRequest``),
checked, negotiated and executed by the same functions the Flask view calls
(``sparql.prepare`` / ``sparql.produce``), and sent with the headers Flask would add.

Anything else, and any refusal before execution (no query, several, update, unknown or
non-UTF-8 body, too long, refused text, 406…), goes to the Flask app with the environ untouched
(a consumed body is put back as ``BytesIO``), so every such error is Flask's own response. Once
the query has run, its errors are rendered here by the error handlers' own functions: a query is
never executed twice. ``tests/endpoint/test_fastpath.py`` checks that both paths answer alike,
byte for byte.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

import werkzeug.urls  # noqa: F401 (registers the URL_QUOTE decoding error handler)
from flask import Flask
from werkzeug.http import HTTP_STATUS_CODES, parse_options_header

from server.graph import store
from server.sparql import endpoint as sparql
from server.sparql import protocol
from server.web.errors import ApiError, api_error_reply, unexpected_reply
from server.web.httputil import CORS_LIST, Reply

PATH = "/sparql"
URL_QUOTE = "werkzeug.url_quote"  # werkzeug's decoding error handler: keep such bytes escaped
BODY_TYPES = (protocol.FORM, protocol.SPARQL_QUERY)

WSGIApp = Callable[[dict[str, Any], Callable], Iterable[bytes]]


def _unquote(text: str) -> str:
    """``urllib.parse.unquote`` as ``parse_qsl`` calls it for werkzeug (invalid UTF-8 stays
    percent-encoded), with a shortcut in C for the usual text: ASCII with valid escapes only.

    Any other text (a stray ``%``, invalid UTF-8, non-ASCII, a backslash, which would start an
    escape of its own) makes the shortcut raise or is not tried: ``unquote`` decides.
    """
    if "+" in text:
        text = text.replace("+", " ")
    if "%" not in text:
        return text
    if text.isascii() and "\\" not in text:
        try:
            return codecs.escape_decode(text.replace("%", "\\x"))[0].decode()
        except ValueError:  # a malformed escape, or invalid UTF-8
            pass
    return unquote(text, errors=URL_QUOTE)


def _pairs(text: str) -> list[tuple[str, str]]:
    """URL-encoded parameters as werkzeug reads ``request.args`` and forms: the same steps as
    ``parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")``."""
    pairs = []
    for item in text.split("&"):
        if item:
            name, _, value = item.partition("=")
            pairs.append((_unquote(name), _unquote(value)))
    return pairs


class Params(dict):
    """URL-encoded parameters as lists of values by name: the reads ``protocol.parse`` makes of
    a werkzeug ``MultiDict`` (``in``, ``getlist``, ``get``, ``items(multi=True)``), built with
    less work."""

    __slots__ = ()

    def getlist(self, key: str) -> list[str]:
        """Every value of ``key``, in order."""
        return list(dict.get(self, key, ()))

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        """The first value of ``key``."""
        values = dict.get(self, key)
        return values[0] if values else default

    def items(self, multi: bool = False) -> Iterator[tuple[str, Any]]:  # type: ignore[override]
        """Pairs of a name and each of its values (``multi``), or its first value."""
        for key, values in dict.items(self):
            if multi:
                for value in values:
                    yield key, value
            else:
                yield key, values[0]


def _params(text: str) -> Params:
    params = Params()
    for name, value in _pairs(text):
        if name in params:
            params[name].append(value)
        else:
            params[name] = [value]
    return params


@lru_cache(maxsize=64)
def _content_type(header: str) -> tuple[str, Mapping[str, str]]:
    """``request.mimetype`` and ``request.mimetype_params`` for a Content-Type header."""
    mimetype, options = parse_options_header(header)
    return mimetype.lower(), options


class RawRequest:
    """The request attributes ``protocol.parse`` reads, taken from the environ without Flask."""

    __slots__ = ("args", "body", "form", "method", "mimetype", "mimetype_params")

    def __init__(self, method: str, args: Params, mimetype: str = "",
                 mimetype_params: Mapping[str, str] | None = None, body: bytes = b"") -> None:
        self.method, self.args, self.body = method, args, body
        self.mimetype, self.mimetype_params = mimetype, mimetype_params or {}
        self.form = _params(body.decode()) if mimetype == protocol.FORM else Params()

    def get_data(self, cache: bool = True) -> bytes:
        """The request body."""
        return self.body


def _read_body(environ: dict[str, Any], limit: int) -> bytes | None:
    """The complete body when its length is declared and allowed, else None (Flask decides).

    What was read is put back as the environ's input, so the Flask app sees the same body.
    """
    length = environ.get("CONTENT_LENGTH") or ""
    if "HTTP_TRANSFER_ENCODING" in environ or not (length.isascii() and length.isdigit()):
        return None
    remaining = int(length)
    if remaining > limit:
        return None
    stream, parts = environ["wsgi.input"], []
    try:
        while remaining > 0:
            chunk = stream.read(remaining)
            if not chunk:
                break
            parts.append(chunk)
            remaining -= len(chunk)
    finally:  # even when reading fails: Flask then meets the same short body
        body = b"".join(parts)
        environ["wsgi.input"] = io.BytesIO(body)
    return None if remaining else body


def _incoming(environ: dict[str, Any], limit: int) -> RawRequest | None:
    """The query request of a GET with a query string or a POST of a query body; else None."""
    method, raw_args = environ.get("REQUEST_METHOD"), environ.get("QUERY_STRING", "")
    if method == "GET":
        return RawRequest(method, _args(raw_args)) if raw_args else None
    if method != "POST":
        return None
    mimetype, options = _content_type(environ.get("CONTENT_TYPE", ""))
    if mimetype not in BODY_TYPES:
        return None
    body = _read_body(environ, limit)
    return None if body is None else RawRequest(method, _args(raw_args), mimetype, options, body)


def _args(query_string: str) -> Params:
    """``request.args``: the WSGI query string is latin-1 text of the raw (UTF-8) bytes."""
    return _params(query_string.encode("latin-1").decode()) if query_string else Params()


class _Closing:
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


@lru_cache(maxsize=64)
def _status_line(status: int) -> str:
    """The status line werkzeug writes (``200 OK``, ``503 SERVICE UNAVAILABLE``)."""
    return f"{status} {HTTP_STATUS_CODES.get(status, 'unknown').upper()}"


def _send(reply: Reply, start_response: Callable) -> Iterable[bytes]:
    """Start ``reply`` with the CORS headers ``httputil.add_cors`` adds in Flask."""
    start_response(_status_line(reply.status), reply.headers + CORS_LIST)
    body = reply.body
    if isinstance(body, bytes):
        body = [body] if reply.status != 304 else []
    return body if reply.on_close is None else _Closing(body, reply.on_close)


class FastPath:
    """WSGI middleware: answer ``/sparql`` queries without Flask; the rest goes to ``inner``."""

    def __init__(self, inner: WSGIApp, app: Flask) -> None:
        self.inner, self.app = inner, app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        """Serve a query request, or hand the request to Flask untouched."""
        if environ.get("PATH_INFO") != PATH:
            return self.inner(environ, start_response)
        app = self.app
        try:
            incoming = _incoming(environ, app.config["MAX_CONTENT_LENGTH"])
            query = None if incoming is None else protocol.parse(
                incoming, app.config["DLBIO_MAX_QUERY_LENGTH"])
        except Exception:  # a refusal or an odd request: Flask renders it
            query = None
        if query is None:
            return self.inner(environ, start_response)
        kg = store.current_kg(app)
        try:
            ready = sparql.prepare(query, kg, environ, app)
        except Exception:  # refused before anything ran: Flask renders it
            return self.inner(environ, start_response)
        if isinstance(ready, sparql.Plan):
            ready = self._produce(ready, kg, environ)
        return _send(ready, start_response)

    def _produce(self, plan: sparql.Plan, kg: store.KG, environ: dict[str, Any]) -> Reply:
        """Run the query once; its errors are rendered as Flask's error handlers do."""
        try:
            return sparql.produce(plan, kg, environ, self.app)
        except ApiError as error:
            return api_error_reply(error, environ.get("HTTP_ACCEPT"))
        except Exception:
            return unexpected_reply(self.app, environ.get("HTTP_ACCEPT"))
