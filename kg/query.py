"""``dlbio query``: run SPARQL against the built store and format the answer."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import (
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    serialize,
)
from rich.table import Table

from kg.namespaces import BASE, PREFIXES, compact
from kg.sparql_errors import explain

RESULT_FORMATS = {
    "json": QueryResultsFormat.JSON,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
    "xml": QueryResultsFormat.XML,
}
GRAPH_FORMATS = {"ttl": RdfFormat.TURTLE, "nt": RdfFormat.N_TRIPLES, "jsonld": RdfFormat.JSON_LD}
ALL_FORMATS = ("table", *RESULT_FORMATS, *GRAPH_FORMATS)


class QueryUsageError(ValueError):
    """The query or the requested format cannot be used (a usage error, exit code 2)."""


def open_store(release: Path) -> Store:
    """Open a built release's store read-only."""
    store_dir = release / "store"
    if not store_dir.is_dir():
        raise FileNotFoundError(f"no built KG at {release}: run `dlbio build` first")
    return Store.read_only(str(store_dir))


def read_query(query_or_file: str) -> str:
    """The argument itself, or the content of the file it names."""
    if len(query_or_file) > 1024 or "\n" in query_or_file:
        return query_or_file
    path = Path(query_or_file)
    if path.suffix in {".rq", ".sparql"} or path.is_file():
        return path.read_text(encoding="utf-8")
    return query_or_file


def _term_text(term: object) -> str:
    if term is None:
        return ""
    value = getattr(term, "value", str(term))
    return compact(value) if type(term).__name__ == "NamedNode" else value


def solutions_table(solutions: QuerySolutions) -> Table:
    """A rich table of SELECT results with compacted IRIs."""
    variables = [v.value for v in solutions.variables]
    table = Table(*variables, show_lines=False)
    for row in solutions:
        table.add_row(*(_term_text(row[v]) for v in variables))
    return table


def run_query(store: Store, query: str, fmt: str | None) -> Table | bytes | str:
    """Execute ``query``; return a table for terminal display or serialized bytes."""
    try:
        result = store.query(query, base_iri=BASE, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise QueryUsageError(f"SPARQL syntax error: {explain(query, str(exc), PREFIXES)}") from exc
    if isinstance(result, QueryTriples):
        fmt = fmt or "ttl"
        if fmt not in GRAPH_FORMATS:
            raise QueryUsageError(
                f"CONSTRUCT/DESCRIBE results take --format {'/'.join(GRAPH_FORMATS)}"
            )
        return serialize(result, format=GRAPH_FORMATS[fmt], prefixes=PREFIXES)
    fmt = fmt or "table"
    if fmt == "table":
        if isinstance(result, QueryBoolean):
            return "true" if bool(result) else "false"
        return solutions_table(result)
    if fmt not in RESULT_FORMATS:
        raise QueryUsageError(f"SELECT/ASK results take --format table/{'/'.join(RESULT_FORMATS)}")
    return result.serialize(format=RESULT_FORMATS[fmt])
