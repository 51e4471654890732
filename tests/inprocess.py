"""``requests``-style calls answered in process: no socket, no server process.

A WSGI app mounted under a host name (``mount``) is called through werkzeug's test client for
every URL on that host, and the answer has the attributes the tests read of a
``requests.Response`` (``status_code``, ``headers``, ``content``, ``text``, ``json()``). Protocol
tests use it with ``import inprocess as http``; what needs a real process uses ``liveserver``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from werkzeug.datastructures import Headers, MultiDict
from werkzeug.test import Client

_CLIENTS: dict[str, Client] = {}


def mount(host: str, app: Callable[..., Iterable[bytes]]) -> str:
    """Answer every URL on ``host`` with ``app``; returns the base URL (no trailing slash)."""
    _CLIENTS[host] = Client(app)
    return f"http://{host}"


@dataclass
class Answer:
    """What the tests read of a response."""

    status_code: int
    headers: Headers
    content: bytes

    @property
    def text(self) -> str:
        """The body as text."""
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.content)


def request(method: str, url: str, params: Mapping | list | None = None, data: Any = None,
            headers: Mapping[str, str] | None = None, **_ignored: Any) -> Answer:
    """Send one request to the app mounted for the URL's host."""
    parts = urlsplit(url)
    query = MultiDict(params or {})
    response = _CLIENTS[parts.netloc].open(
        parts.path, base_url=f"{parts.scheme}://{parts.netloc}", method=method,
        query_string=parts.query or query, data=data, headers=dict(headers or {}))
    return Answer(response.status_code, response.headers, response.get_data())


def get(url: str, **options: Any) -> Answer:
    """GET ``url``."""
    return request("GET", url, **options)


def post(url: str, **options: Any) -> Answer:
    """POST to ``url``."""
    return request("POST", url, **options)


def options(url: str, **options: Any) -> Answer:
    """OPTIONS ``url`` (a CORS preflight)."""
    return request("OPTIONS", url, **options)
