"""SPARQL 1.1 Protocol request parsing: which query, against which dataset.

Query via GET ``?query=``, POST ``application/x-www-form-urlencoded`` or POST
``application/sparql-query``. Any form of update is refused: this endpoint is read-only.
``parse`` reads a werkzeug request (or anything with the same few attributes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox
from werkzeug.datastructures import MultiDict

from server.web.errors import ApiError

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
READ_ONLY = (
    "this endpoint is read-only: SPARQL Update is not supported "
    "(download the dumps to modify a copy of the data)"
)


@dataclass(slots=True)  # not frozen: frozen dataclasses are slow to build
class QueryRequest:
    """A protocol query: the text, the protocol dataset (empty: the store's own dataset) and the
    ``format=`` parameter (URL first, then form body), which overrides the Accept header."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None

    @property
    def has_dataset(self) -> bool:
        """Whether ``default-graph-uri`` or ``named-graph-uri`` was given."""
        return bool(self.default_graphs or self.named_graphs)

    def dataset_options(self) -> dict[str, list[ox.NamedNode]]:
        """Keyword arguments for ``Store.query``: a protocol dataset replaces the query's own.

        When only one kind of graph is given the other is empty, so the store's default graph
        (or its named graphs) cannot leak in.
        """
        if not self.has_dataset:
            return {}
        return {
            "default_graph": [ox.NamedNode(iri) for iri in self.default_graphs],
            "named_graphs": [ox.NamedNode(iri) for iri in self.named_graphs],
        }


class Request(Protocol):
    """What ``parse`` reads of a request (a subset of Flask's ``Request``)."""

    method: str
    mimetype: str
    mimetype_params: Mapping[str, str]
    args: MultiDict
    form: MultiDict

    def get_data(self, cache: bool = True) -> bytes:
        """The raw request body."""
        ...


def _graphs(params: MultiDict, name: str) -> tuple[str, ...]:
    values = tuple(params.getlist(name))
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise ApiError(400, f"{name} must be an absolute IRI, got {value!r}") from None
    return values


def _one_query(values: list[str], max_length: int) -> str:
    if len(values) != 1:
        raise ApiError(400, f"exactly one query is required, got {len(values)}")
    if len(values[0]) > max_length:
        raise ApiError(413, f"the query is longer than the limit of {max_length} characters")
    return values[0]


def _direct_body(request: Request) -> str:
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ApiError(415, f"the query must be UTF-8 encoded, not {charset}")
    try:
        return request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "the query body is not valid UTF-8") from None


def _post_params(request: Request) -> tuple[MultiDict, list[str]]:
    """The parameters and query texts of a POST, by request media type."""
    mimetype = request.mimetype
    if mimetype == FORM:
        params = MultiDict([*request.args.items(multi=True), *request.form.items(multi=True)])
        return params, params.getlist("query")
    if mimetype == SPARQL_UPDATE or "update" in request.args:
        raise ApiError(403, READ_ONLY)
    if mimetype == SPARQL_QUERY:
        return request.args, [*request.args.getlist("query"), _direct_body(request)]
    raise ApiError(
        415,
        f"unsupported request media type {mimetype or '(none)'!r}: POST a query as "
        f"{FORM} or {SPARQL_QUERY}",
    )


def parse(request: Request, max_length: int) -> QueryRequest | None:
    """Read the protocol request; None means no query at all (serve the service description)."""
    if request.method == "POST":
        params, queries = _post_params(request)
    else:
        params, queries = request.args, request.args.getlist("query")
    if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
        raise ApiError(403, READ_ONLY)
    if not queries and request.method == "GET":
        if "default-graph-uri" in params or "named-graph-uri" in params:
            raise ApiError(400, "a query parameter is required with a dataset")
        return None
    return QueryRequest(
        _one_query(queries, max_length),
        _graphs(params, "default-graph-uri"),
        _graphs(params, "named-graph-uri"),
        next(iter(params.getlist("format")), None),  # MultiDict.get raises and catches inside
    )
