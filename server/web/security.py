"""Security headers on every response: CSP, nosniff, no framing, a referrer policy.

``SecureHeaders`` wraps the whole WSGI app, so answers that never enter Flask (every ``/sparql``
answer, limiter refusals) carry them too. The pages load scripts, styles and data only from this origin; the
JSON-LD and JSON configuration ``<script>`` blocks are data, which CSP does not execute.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from typing import Any


def policy(style_nonce: str | None = None) -> str:
    """Only this origin's scripts, styles, images and connections; no plugins, no framing.

    ``style_nonce`` also admits the ``<style>`` elements carrying it (the query page's editor
    writes one; its nonce is new for every response).
    """
    styles = f"'self' 'nonce-{style_nonce}'" if style_nonce else "'self'"
    return (
        f"default-src 'self'; script-src 'self'; style-src {styles}; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


def new_nonce() -> str:
    """A fresh CSP nonce (128 random bits)."""
    return secrets.token_urlsafe(16)


#: The policy of every response that does not set its own (see ``policy``).
CONTENT_SECURITY_POLICY = policy()
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
SECURITY_LIST = list(SECURITY_HEADERS.items())
_NAMES = frozenset(name.lower() for name in SECURITY_HEADERS)


def with_security(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``headers`` plus the security headers; a response's own policy (with a nonce) is kept."""
    own = [(n, v) for n, v in headers if n.lower() == "content-security-policy"]
    kept = [(n, v) for n, v in headers if n.lower() not in _NAMES]
    return kept + (own[:1] or SECURITY_LIST[:1]) + SECURITY_LIST[1:]


class SecureHeaders:
    """WSGI middleware adding ``SECURITY_HEADERS`` to every response of ``app``."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            return start_response(status, with_security(headers), exc_info)

        return self.app(environ, start)


def escape_script_data(text: str) -> str:
    """JSON text made safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` as JSON escapes,
    so no string of the data can close the element or open a comment.

    >>> escape_script_data('{"name": "</script><b>"}')
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
