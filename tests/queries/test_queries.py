"""Every example query in ``queries/`` parses as-is, runs on the KG built from ``data/`` and gives
exactly the answer derived by hand from the source list (``queries/expected/<stem>.json``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QueryTriples, Store

from kg.examples import ExampleQuery, read_example
from kg.namespaces import compact
from kg.paths import PROJECT_ROOT

QUERIES_DIR = PROJECT_ROOT / "queries"
EXPECTED_DIR = QUERIES_DIR / "expected"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
QUERY_FILES = sorted(QUERIES_DIR.glob("*.rq"))
GRAPH_COLUMNS = ["subject", "predicate", "object"]


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def _local(paths: list[Path]) -> list[Path]:
    """The query files that run on our KG alone (no SERVICE)."""
    return [p for p in paths if not read_example(p).services]


def plain(term: Any) -> Any:
    """A result term as JSON-like data: CURIE or IRI, integer, string, or None when unbound."""
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return compact(term.value)
    if isinstance(term, Literal):
        return int(term.value) if term.datatype.value == XSD_INTEGER else term.value
    assert not isinstance(term, BlankNode), "example answers must not contain blank nodes"
    raise AssertionError(f"unexpected term {term!r}")


def expected_answer(stem: str) -> dict[str, Any]:
    """The hand-derived answer stored next to the query."""
    return json.loads((EXPECTED_DIR / f"{stem}.json").read_text(encoding="utf-8"))


def _sorted(rows: list[list[Any]]) -> list[list[Any]]:
    return sorted(rows, key=lambda row: json.dumps(row, ensure_ascii=False))


def actual_answer(store: Store, example: ExampleQuery) -> dict[str, Any]:
    """Run the query exactly as written (no default prefixes, no base IRI) and normalise it."""
    result = store.query(example.text)
    if isinstance(result, QueryBoolean):
        return {"boolean": bool(result)}
    if isinstance(result, QueryTriples):
        return {
            "triples": [[plain(t.subject), plain(t.predicate), plain(t.object)] for t in result]
        }
    columns = [v.value for v in result.variables]
    return {"columns": columns, "rows": [[plain(row[c]) for c in columns] for row in result]}


def test_there_are_at_least_25_queries() -> None:
    assert len(QUERY_FILES) >= 25


@pytest.mark.parametrize("path", QUERY_FILES, ids=_ids(QUERY_FILES))
def test_header_is_complete(path: Path) -> None:
    example = read_example(path)
    assert example.keywords
    assert example.columns
    assert example.header["question"].endswith(("?", ")", "."))


@pytest.mark.parametrize("path", QUERY_FILES, ids=_ids(QUERY_FILES))
def test_parses_without_default_prefixes(path: Path) -> None:
    example = read_example(path)
    # Parsing happens in Store.query; a query is only evaluated when its results are read.
    Store().query(example.text)


@pytest.mark.parametrize("path", QUERY_FILES, ids=_ids(QUERY_FILES))
def test_header_columns_are_the_answer_columns(path: Path) -> None:
    example = read_example(path)
    if example.form == "ASK":
        assert example.columns == ["boolean"]
    elif example.form in {"CONSTRUCT", "DESCRIBE"}:
        assert example.columns == GRAPH_COLUMNS
    else:
        variables = [v.value for v in Store().query(example.text).variables]
        assert sorted(example.columns) == sorted(variables)
        assert example.columns == [c for c in example.columns if c in variables]


@pytest.mark.parametrize("path", _local(QUERY_FILES), ids=_ids(_local(QUERY_FILES)))
def test_answer_is_the_one_derived_from_the_list(real_kg: Store, path: Path) -> None:
    example = read_example(path)
    expected = expected_answer(example.stem)
    actual = actual_answer(real_kg, example)
    if "boolean" in expected:
        assert actual == {"boolean": expected["boolean"]}
    elif "triples" in expected:
        assert _sorted(actual["triples"]) == _sorted(expected["triples"])
    else:
        assert actual["columns"] == expected["columns"]
        if expected["ordered"]:
            assert actual["rows"] == expected["rows"]
        else:
            assert _sorted(actual["rows"]) == _sorted(expected["rows"])


def test_every_local_query_has_an_expected_answer_and_no_answer_is_orphaned() -> None:
    answers = {p.stem for p in EXPECTED_DIR.glob("*.json")}
    assert answers == {p.stem for p in _local(QUERY_FILES)}


@pytest.mark.parametrize("path", QUERY_FILES, ids=_ids(QUERY_FILES))
def test_federated_queries_say_they_need_the_service_allowlist(path: Path) -> None:
    example = read_example(path)
    assert example.needs_service_allowlist == bool(example.services)
    assert example.header.get("service", "") == ", ".join(example.services)


def test_there_is_a_federated_example() -> None:
    federated = [p for p in QUERY_FILES if read_example(p).services]
    assert federated
    for path in federated:
        assert "DLBIO_SERVICE_ALLOWLIST" in read_example(path).header["question"]


def test_every_query_form_is_exemplified() -> None:
    forms = {read_example(p).form for p in QUERY_FILES}
    assert forms == {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}
