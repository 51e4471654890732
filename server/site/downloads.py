"""``/download``: every dump of the served release, the dumps, and how to cite the release.

The list comes from the release's ``manifest.json`` (size, SHA-256, triple count, version) with the
license of the VoID description. Files are served with ``ETag`` (their SHA-256),
``Last-Modified`` and byte ``Range`` support. ``/.well-known/void`` answers like ``/void``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request, send_file

from kg.dumps import GZIP_TYPE
from kg.jsonld import CONTEXT_IRI, context
from kg.void import LICENSE
from server.graph.store import get_kg
from server.site.pages import render
from server.web.errors import ApiError
from server.web.httputil import make_etag, matches_etag
from server.web.negotiation import accepts_gzip, parse_accept

bp = Blueprint("downloads", __name__)
FORMAT_NAMES = {
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/ld+json": "JSON-LD",
}
LICENSE_NAME = "CC0 1.0 (public domain dedication)"


def init_app(app: Flask) -> None:
    """Pin the release folder the store was loaded from (``current`` may move on later)."""
    if not app.config.get("DLBIO_LOAD"):
        app.extensions["dlbio_release"] = Path(app.config["DLBIO_KG_DIR"]).resolve()


def release_dir() -> Path | None:
    """The served release folder, or None when serving explicit files (``--load``)."""
    release = get_kg().release  # the request's release (it may have been switched since start)
    return Path(release) if release else current_app.extensions.get("dlbio_release")


def manifest() -> dict[str, Any]:
    """The release manifest (empty when there is none)."""
    folder = release_dir()
    if folder is None or not (folder / "manifest.json").is_file():
        return {}
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def human_size(size: int) -> str:
    """``108762`` → ``106.2 KiB``."""
    value = float(size)
    for unit in ("B", "KiB", "MiB"):
        if value < 1024 or unit == "MiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def dump_rows(files: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of the download table, in manifest order."""
    return [
        {
            **info,
            "format": FORMAT_NAMES.get(info["media_type"], info["media_type"]),
            "compression": info.get("encoding") or "none",
            "human_size": human_size(info["size"]),
            "href": f"/download/{name}",
        }
        for name, info in files.items()
    ]


@bp.route("/download")
@bp.route("/download/")
def download_page() -> Response:
    """Every dump with size, SHA-256, triple count, version and license.

    ---
    get:
      responses: {200: Page}
    """
    data = manifest()
    return render("download.html", manifest=data, rows=dump_rows(data.get("files", {})),
                  license_iri=LICENSE.value, license_name=LICENSE_NAME,
                  citation=citation(release_dir()), context_iri=CONTEXT_IRI)


def _quality(media_type: str) -> float:
    """The quality the request's ``Accept`` gives ``media_type`` by name (0 when not named)."""
    return max((q for value, q in parse_accept(request.headers.get("Accept")) if value == media_type),
               default=0.0)


def asks_for_rdf(media_type: str) -> bool:
    """Whether the client named the RDF type itself (as Comunica does), not only ``*/*``."""
    wanted = _quality(media_type)
    return wanted > 0 and wanted >= _quality(GZIP_TYPE)


def choose_variant(name: str, files: dict[str, Any]) -> tuple[str, str, bool]:
    """(file to send, Content-Type, gzip-coded?) for a request of the dump ``name``.

    ``dlbio.ttl`` asked with ``Accept-Encoding: gzip`` is sent as its precomputed ``.gz``, coded;
    ``dlbio.ttl.gz`` is ``application/gzip`` (a file to save), or Turtle coded as gzip to a client
    that accepts gzip and names ``text/turtle`` in ``Accept``, so that it reads the RDF directly.
    A ``Range`` request of ``dlbio.ttl`` gets the file's own bytes.
    """
    info, gzip_ok = files[name], accepts_gzip(request.headers.get("Accept-Encoding"))
    if info.get("encoding") == "gzip":
        if gzip_ok and asks_for_rdf(info["media_type"]):
            return name, info["media_type"], True
        return name, GZIP_TYPE, False
    packed = files.get(f"{name}.gz")
    ranged = "Range" in request.headers  # offsets refer to the file's own bytes
    if gzip_ok and packed and packed.get("encoding") == "gzip" and not ranged:
        return packed["name"], info["media_type"], True
    return name, info["media_type"], False


@bp.route("/download/<name>")
def download_file(name: str) -> Response:
    """One dump file, with ETag (its SHA-256), Last-Modified and Range support.

    ---
    get:
      responses: {200: Dump, 206: Partial, 304: NotModified, 416: RangeNotSatisfiable}
    """
    files = manifest().get("files", {})
    folder = release_dir()
    if name not in files or folder is None:
        raise ApiError(404, f"no dump named {name}: see /download for the list")
    sent, media_type, coded = choose_variant(name, files)
    response = send_file(
        folder / sent,
        mimetype=media_type,
        conditional=True,
        etag=files[sent]["sha256"],
        max_age=3600,
        download_name=name,
    )
    if coded:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept, Accept-Encoding"
    response.headers["Link"] = '</void>; rel="describedby"; type="text/turtle"'
    return response


#: Citation files of a release → Content-Type.
CITATION_TYPES = {"CITATION.cff": "application/x-yaml; charset=utf-8",
                  "datacite.json": "application/vnd.datacite.datacite+json",
                  "zenodo.json": "application/json"}


@bp.route("/download/CITATION.cff", defaults={"name": "CITATION.cff"})
@bp.route("/download/datacite.json", defaults={"name": "datacite.json"})
@bp.route("/download/zenodo.json", defaults={"name": "zenodo.json"})
def citation_file(name: str) -> Response:
    """The release's citation metadata: ``CITATION.cff``, DataCite JSON or Zenodo JSON.

    ---
    get:
      responses: {200: Citation, 304: NotModified}
    """
    folder = release_dir()
    if folder is None or not (folder / name).is_file():
        raise ApiError(404, f"this release has no {name}: see /download")
    return send_file(folder / name, mimetype=CITATION_TYPES[name], conditional=True,
                     max_age=3600, download_name=name)


def citation(folder: Path | None) -> dict[str, Any] | None:
    """What the download page says about citing the release (None without citation files)."""
    if folder is None or not (folder / "datacite.json").is_file():
        return None
    record = json.loads((folder / "datacite.json").read_text(encoding="utf-8"))
    authors = "; ".join(c["name"] for c in record["creators"])
    text = (f"{authors} ({record['publicationYear']}). {record['titles'][0]['title']} "
            f"(version {record['version']}) [Data set]. {record['url']}")
    sources = [r["relatedIdentifier"] for r in record["relatedIdentifiers"]]
    return {"text": text, "sources": sources, "files": list(CITATION_TYPES)}


@bp.route("/context.jsonld")
def context_document() -> Response:
    """The JSON-LD ``@context`` the JSON-LD dump is compacted with (its IRI is in the dump).

    ---
    get:
      responses: {200: JsonLd, 304: NotModified}
    """
    body = json.dumps(context(), indent=1).encode()
    etag = make_etag("context", body)
    if matches_etag(request.headers.get("If-None-Match"), etag):
        return Response(status=304, headers={"ETag": etag})
    response = Response(body, content_type="application/ld+json")
    response.headers.update({"ETag": etag, "Cache-Control": "public, max-age=86400"})
    return response


@bp.route("/.well-known/void")
def well_known_void() -> Response:
    """The VoID/DCAT description, as at ``/void``.

    ---
    get:
      responses: {200: Description, 304: NotModified, 406: NotAcceptable}
    """
    from server.sparql.endpoint import void

    return void()
