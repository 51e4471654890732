"""Security headers on every response, whichever code path answers it."""

from __future__ import annotations

import json
import re

import pytest
from flask.testing import FlaskClient

from server.site.bioschemas import script_text
from server.web.security import CONTENT_SECURITY_POLICY

HTML = {"Accept": "text/html"}
PAGES = [
    "/",
    "/method/",
    "/method/?architecture=cnn",
    "/method/deepbind",
    "/method/deepbind.ttl",
    "/method/deepbind.jsonld",
    "/paper/",
    "/architecture/cnn",
    "/edam/",
    "/edam/topic_3295",
    "/browse",
    "/search?q=sequence",
    "/schema/",
    "/schema/Method",
    "/download",
    "/query",
    "/static/style.css",
    "/void",
    "/sparql",
    "/sparql?query=ASK%20%7B%7D",
    "/sparql?query=SELEC",
    "/registry.json",
    "/openapi.json",
    "/method/no-such-method",
    "/no/such/page",
]


def without_nonce(value: str) -> str:
    return re.sub(r" 'nonce-[^']+'", "", value)


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers=HTML)
    assert without_nonce(response.headers["Content-Security-Policy"]) == CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_csp_allows_only_this_origin_and_no_framing() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY


def test_query_page_admits_its_editor_style_by_a_fresh_nonce(client: FlaskClient) -> None:
    nonces = []
    for _ in range(2):
        response = client.get("/query", headers=HTML)
        policy = response.headers.getlist("Content-Security-Policy")
        assert len(policy) == 1
        nonce = re.search(r"style-src 'self' 'nonce-([\w-]+)';", policy[0]).group(1)
        config = re.search(r'id="query-config">(.*?)</script>', response.get_data(as_text=True))
        assert json.loads(config.group(1))["styleNonce"] == nonce
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_cached_sparql_answers_carry_them_too(client: FlaskClient) -> None:
    for _ in range(2):  # the second answer comes from the result cache
        response = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 1"})
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers.getlist("Content-Security-Policy") == [CONTENT_SECURITY_POLICY]


def test_pages_have_no_inline_script(client: FlaskClient) -> None:
    for path in PAGES:
        body = client.get(path, headers=HTML).get_data(as_text=True)
        for attributes in re.findall(r"<script([^>]*)>", body):  # inline: data blocks only
            assert "src=" in attributes or 'type="application/' in attributes, (path, attributes)
        assert not re.search(r"\son[a-z]+=", body), path  # no inline event handlers
        assert "javascript:" not in body, path


def test_json_ld_cannot_close_its_script_element() -> None:
    text = script_text({"name": "</script><script>alert(1)</script>", "x": "<!-- & -->"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><script>alert(1)</script>", "x": "<!-- & -->"}


def test_entity_page_embeds_json_ld_without_markup(client: FlaskClient) -> None:
    body = client.get("/method/deepbind", headers=HTML).get_data(as_text=True)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1)
    assert "<" not in block
    assert json.loads(block)["name"]
