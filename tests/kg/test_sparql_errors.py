"""kg.sparql_errors: the parser's message made readable, position kept (table-driven)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.sparql_errors import explain

CASES = [
    ('SELECT * WHERE { ?s ?p "x }', 'error at 1:28: unterminated string: the " at 1:24'),
    (
        "SELECT * { ?s ?p ?o FILTER(?o = ?s }",
        "error at 1:37: unclosed parenthesis: the '(' opened "
        "at 1:27 is never closed (add ')' before the '}' at 1:36)",
    ),
    ("ASK { ?s ?p ?o } }", "error at 1:19: the '}' at 1:18 closes nothing that is open"),
    (
        "SELECT * { ?s ?p ?o } ORDR BY ?s",
        "error at 1:23: unknown word 'ORDR'; expected here: "
        "GROUP, BY, HAVING, ORDER, ASC, DESC, LIMIT, OFFSET or VALUES. Did you mean ORDER?",
    ),
    (
        "SELECT (CONT(?s) AS ?n) { ?s ?p ?o }",
        "error at 1:9: unknown word 'CONT'; expected here: a function or operator such as COUNT",
    ),
    (
        "SELECT * { ?s ?p ?o FILTER(?o = x) }",
        "error at 1:33: unknown word 'x'; expected here: a function",
    ),
    ('SELECT * {\n ?s ?p "a{" ; ?q <http://e/{}> ', "error at 2:"),
]


def _parser_message(query: str) -> str:
    with pytest.raises(SyntaxError) as caught:
        ox.Store().query(query)
    return str(caught.value)


@pytest.mark.parametrize(("query", "start"), CASES)
def test_explained(query: str, start: str) -> None:
    assert explain(query, _parser_message(query)).startswith(start)


def test_words_inside_strings_iris_and_comments_are_not_keywords() -> None:
    query = 'SELECT * { ?s <http://e/SELEC> "OPTINAL" . # FILTR\n ?s ?p ?o '
    assert "unclosed brace" in explain(query, _parser_message(query))


def test_unexplained_errors_name_character_ranges_in_words() -> None:
    query = "SELECT ?x { ?x ?p ?y } GROUP BY"
    assert "\\u{" in _parser_message(query)
    message = explain(query, _parser_message(query))
    assert message.startswith("error at 1:32: expected one of ") and "a letter" in message
    assert "\\u{" not in message
