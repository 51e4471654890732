"""Readable syntax errors in the endpoint's 400 answer: the parser's position, our words."""

from __future__ import annotations

import inprocess as http

from kg.namespaces import PREFIXES


def _message(endpoint: str, query: str) -> str:
    response = http.get(endpoint, params={"query": query})
    assert response.status_code == 400
    return response.json()["error"]["message"]


def test_undeclared_prefix_is_named_with_the_known_prefixes(endpoint: str) -> None:
    message = _message(endpoint, "SELECT ?x WHERE { ?x foo:bar ?y }")
    assert message.startswith(
        "query syntax error: error at 1:29: undeclared prefix foo: (in foo:bar)"
    )
    assert "PREFIX foo: <…>" in message
    assert all(prefix in message for prefix in PREFIXES)
    assert "\\u{" not in message and len(message) < 600


def test_undeclared_known_prefix_gets_its_declaration(endpoint: str) -> None:
    message = _message(endpoint, "SELECT ?m WHERE {\n  ?m edam:has_topic ?t }")
    assert message.startswith("query syntax error: error at 2:20: undeclared prefix edam:")
    assert message.endswith("Declare it: PREFIX edam: <http://edamontology.org/>")


def test_misspelt_keyword_is_placed_at_the_word_with_the_keywords_expected(endpoint: str) -> None:
    message = _message(endpoint, "SELEC ?x WHERE { ?x ?p ?y }")
    assert message.startswith("query syntax error: error at 1:1: unknown word 'SELEC'")
    assert "expected here: BASE, PREFIX, SELECT, CONSTRUCT, DESCRIBE or ASK" in message
    assert "Did you mean SELECT?" in message
    assert "(the parser stopped at 1:10)" in message


def test_misspelt_keyword_inside_a_pattern(endpoint: str) -> None:
    message = _message(endpoint, "SELECT ?x WHERE {\n  ?x ?p ?y\n  OPTINAL { ?x ?p ?z } }")
    assert message.startswith("query syntax error: error at 3:3: unknown word 'OPTINAL'")
    assert "Did you mean OPTIONAL?" in message and "FILTER" in message


def test_unclosed_brace_says_so_at_the_parser_position(endpoint: str) -> None:
    message = _message(endpoint, "SELECT ?x WHERE { ?x ?p ?y ")
    assert message == (
        "query syntax error: error at 1:28: unclosed brace: the '{' opened at 1:17 is never "
        "closed (add '}')"
    )
