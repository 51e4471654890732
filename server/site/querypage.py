"""The query page (``/query``): a SPARQL editor over the endpoint, and the assets it runs on.

The page is a plain HTML form that GETs ``/sparql`` (so it works without JavaScript); the
CodeMirror editor, the example picker, result table, chart and downloads come from a bundle built
from ``server/site/frontend/`` with npm into ``DLBIO_ASSETS_DIR`` (default ``build/assets``)
and served at ``/assets/``. When the bundle is missing the page says so and keeps the plain form.

``/query?query=…`` reproduces a query (and runs it); ``/query?example=<stem>`` loads one of the
example queries the served release was built with (its ``examples.json``; none for ``--load``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    send_from_directory,
)

from kg.examples import ExampleQuery
from kg.namespaces import EDAM, PREFIXES
from kg.release_docs import release_examples
from server.graph.store import get_kg
from server.web.errors import ApiError
from server.web.security import new_nonce, policy

bp = Blueprint("querypage", __name__, template_folder="templates")

#: The bundle files the page needs (written by ``npm run build`` in ``server/site/frontend``).
SCRIPT, STYLE = "query.js", "query-style.css"
ASSET_MAX_AGE = 3600  # seconds; asset URLs carry the bundle's mtime, so a rebuild busts caches

DEFAULT_QUERY = """\
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <http://schema.org/>

# Twenty methods and their names; pick an example above for more.
SELECT ?method ?name
WHERE {
  ?method a schema:SoftwareApplication ;
          rdfs:label ?name .
}
ORDER BY ?name
LIMIT 20
"""


#: How themes whose name is an acronym are shown (others are capitalized).
THEME_LABELS = {"edam": "EDAM"}


@dataclass(frozen=True)
class Theme:
    """The example queries of one theme, for the grouped picker."""

    name: str
    examples: list[ExampleQuery]

    @property
    def label(self) -> str:
        """The theme as shown in the picker."""
        return THEME_LABELS.get(self.name, self.name.capitalize())


def assets_dir() -> Path:
    """Where the built front-end bundle lives (``DLBIO_ASSETS_DIR``; relative: to the working
    directory, as ``DLBIO_KG_DIR``)."""
    return Path(current_app.config["DLBIO_ASSETS_DIR"]).absolute()


def examples() -> list[ExampleQuery]:
    """The example queries of the served release (none for ``--load`` files)."""
    return release_examples(get_kg().release)


def themes(items: Iterable[ExampleQuery]) -> list[Theme]:
    """Examples grouped by their ``theme`` header, themes and titles in alphabetical order."""
    ordered = sorted(items, key=lambda e: (e.header["theme"], e.header["title"].lower()))
    return [
        Theme(name, list(group))
        for name, group in groupby(ordered, key=lambda e: e.header["theme"])
    ]


def asset_urls() -> dict[str, str] | None:
    """URLs of the script and stylesheet, versioned by mtime; None when the bundle is not built."""
    folder = assets_dir()
    files = {"script": folder / SCRIPT, "style": folder / STYLE}
    if not all(path.is_file() for path in files.values()):
        return None
    return {
        key: f"/assets/{path.name}?v={int(path.stat().st_mtime)}" for key, path in files.items()
    }


def local_namespaces() -> list[list[str]]:
    """IRI namespace → local path prefix pairs: the IRIs this app has pages for."""
    return [[current_app.config["DLBIO_BASE_IRI"], "/"], [EDAM, "/edam/"]]


def page_config(chosen: ExampleQuery | None, autorun: bool) -> dict[str, Any]:
    """What the script needs, embedded in the page as JSON."""
    return {
        "endpoint": "/sparql",
        "prefixes": PREFIXES,
        "localNamespaces": local_namespaces(),
        "autorun": autorun,
        "selected": chosen.stem if chosen else None,
        "examples": [
            {
                "stem": e.stem,
                "title": e.header["title"],
                "question": e.header["question"],
                "theme": e.header["theme"],
                "form": e.form,
                "text": e.text,
                "requires": e.header.get("requires", ""),
            }
            for e in examples()
        ],
    }


def _requested() -> tuple[str, ExampleQuery | None, bool]:
    """The query text to show, the example it comes from, and whether to run it at once."""
    text = request.args.get("query", "")
    if text.strip():
        return text, None, True
    stem = request.args.get("example", "")
    chosen = next((e for e in examples() if e.stem == stem), None)
    if chosen is not None:
        return chosen.text, chosen, False
    return DEFAULT_QUERY, None, False


@bp.route("/query")
def query_page() -> Response:
    """The query page: editor (or plain form), example picker and result area.

    ---
    get:
      parameters:
        - {name: query, in: query, required: false, description: a query to prefill and run,
           schema: {type: string}}
        - {name: example, in: query, required: false,
           description: an example query to prefill by name, schema: {type: string}}
      responses: {200: Page}
    """
    text, chosen, autorun = _requested()
    nonce = new_nonce()
    body = render_template(
        "query.html",
        sparql_text=text,
        themes=themes(examples()),
        chosen=chosen,
        assets=asset_urls(),
        config={**page_config(chosen, autorun), "styleNonce": nonce},
    )
    response = Response(body, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = policy(style_nonce=nonce)
    return response


@bp.route("/assets/<path:filename>")
def assets(filename: str) -> Response:
    """A file of the query editor's bundle (404 when missing or not built).

    ---
    get:
      responses: {200: File, 304: NotModified}
    """
    folder = assets_dir()
    if not folder.is_dir():
        raise ApiError(404, "the query editor's bundle is not built (npm run build)")
    return send_from_directory(folder, filename, max_age=ASSET_MAX_AGE)
