"""The query page and its assets through the Flask test client: the plain form, the example
picker, shared URLs, the embedded configuration, asset serving and a missing bundle.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.build import BuildResult
from kg.examples import read_examples
from kg.namespaces import PREFIXES
from kg.paths import PROJECT_ROOT
from kg.release_docs import EXAMPLES as EXAMPLES_FILE
from server import create_app
from server.site.querypage import DEFAULT_QUERY, SCRIPT, STYLE

EXAMPLES = read_examples(PROJECT_ROOT / "queries")
BY_STEM = {e.stem: e for e in EXAMPLES}
NOT_BUILT = "The editor assets are not built"


@pytest.fixture
def fake_bundle(qp_app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in bundle folder, so that these tests do not need npm."""
    (tmp_path / SCRIPT).write_text("console.log('query page');\n", encoding="utf-8")
    (tmp_path / STYLE).write_text("body { margin: 0; }\n", encoding="utf-8")
    monkeypatch.setitem(qp_app.config, "DLBIO_ASSETS_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def no_bundle(qp_app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An assets folder that does not exist (the bundle was never built)."""
    missing = tmp_path / "never-built"
    monkeypatch.setitem(qp_app.config, "DLBIO_ASSETS_DIR", str(missing))
    return missing


def get_page(client: FlaskClient, **params: str) -> str:
    response = client.get("/query", query_string=params)
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    return response.get_data(as_text=True)


def textarea(page: str) -> str:
    match = re.search(r'<textarea id="query-text" name="query"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, "no query textarea"
    return html.unescape(match.group(1))


def config(page: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="query-config">(.*?)</script>', page, re.S
    )
    assert match, "no embedded configuration"
    return json.loads(match.group(1))


def test_plain_form_gets_the_sparql_endpoint(client: FlaskClient, fake_bundle: Path) -> None:
    page = get_page(client)
    form = re.search(r'<form class="query-form" id="query-form" ([^>]*)>', page)
    assert form and 'action="/sparql"' in form.group(1) and 'method="get"' in form.group(1)
    assert textarea(page) == DEFAULT_QUERY
    assert '<label id="query-label" for="query-text">SPARQL query</label>' in page
    assert re.search(r'<select id="result-format" name="format">', page)
    assert '<button type="submit" id="run-query">Run query</button>' in page


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("", "application/sparql-results+json"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_what_the_plain_form_submits_is_answered(
    client: FlaskClient, fmt: str, media_type: str
) -> None:
    response = client.get(
        "/sparql",
        query_string={"query": DEFAULT_QUERY, "format": fmt},
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert response.status_code == 200
    assert response.content_type.split(";")[0] == media_type
    assert "ADAGE" in response.get_data(as_text=True)  # first by name of the twenty


def test_examples_are_grouped_by_theme(client: FlaskClient, fake_bundle: Path) -> None:
    page = get_page(client)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', page, re.S)
    themes = sorted({e.header["theme"] for e in EXAMPLES})
    assert [label.lower() for label, _ in groups] == themes
    assert "EDAM" in [label for label, _ in groups]
    for label, options in groups:
        stems = re.findall(r'<option value="([^"]+)"', options)
        assert stems and all(BY_STEM[s].header["theme"] == label.lower() for s in stems)
    assert len(re.findall(r'<option value="[^"]+"', page)) == len(EXAMPLES) + 4  # + 4 formats


def test_example_parameter_loads_an_example(client: FlaskClient, fake_bundle: Path) -> None:
    example = BY_STEM["methods-per-subfield"]
    page = get_page(client, example=example.stem)
    assert textarea(page) == example.text
    assert f'<option value="{example.stem}" selected>' in page
    assert html.escape(example.header["question"], quote=False) in page
    settings = config(page)
    assert settings["selected"] == example.stem and settings["autorun"] is False


def test_unknown_example_falls_back_to_the_default_query(client: FlaskClient) -> None:
    page = get_page(client, example="no-such-example")
    assert textarea(page) == DEFAULT_QUERY
    assert config(page)["autorun"] is False


def test_shared_url_reproduces_and_runs_the_query(client: FlaskClient) -> None:
    query = 'SELECT ?x WHERE { BIND("<b>&amp;" AS ?x) }'
    page = get_page(client, query=query)
    assert textarea(page) == query
    assert config(page)["autorun"] is True
    share = re.search(r'<a id="share-link" class="share" href="([^"]+)"', page).group(1)
    assert parse_qs(urlsplit(html.unescape(share)).query)["query"] == [query]
    assert 'value="" placeholder' in page  # the site search box does not show the query


def test_embedded_configuration(client: FlaskClient, qp_app: Flask) -> None:
    settings = config(get_page(client))
    assert settings["endpoint"] == "/sparql"
    assert settings["prefixes"] == PREFIXES
    assert settings["localNamespaces"] == [
        [qp_app.config["DLBIO_BASE_IRI"], "/"],
        ["http://edamontology.org/", "/edam/"],
    ]
    assert [e["stem"] for e in settings["examples"]] == [e.stem for e in EXAMPLES]
    first = settings["examples"][0]
    assert first["text"] == EXAMPLES[0].text and first["form"] == EXAMPLES[0].form
    federated = [e for e in settings["examples"] if e["requires"]]
    assert federated and all("service-allowlist" in e["requires"] for e in federated)


def test_configured_base_iri_decides_which_iris_link_here(
    qp_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(qp_app.config, "DLBIO_BASE_IRI", "http://example.org/kg/")
    settings = config(get_page(qp_app.test_client()))
    assert settings["localNamespaces"][0] == ["http://example.org/kg/", "/"]


def test_page_links_the_built_bundle(client: FlaskClient, fake_bundle: Path) -> None:
    page = get_page(client)
    assert NOT_BUILT not in page
    script = re.search(r'<script type="module" src="(/assets/query\.js\?v=\d+)"></script>', page)
    style = re.search(r'<link rel="stylesheet" href="(/assets/query-style\.css\?v=\d+)">', page)
    assert script and style
    response = client.get(script.group(1))
    assert response.status_code == 200
    assert response.mimetype in {"text/javascript", "application/javascript"}
    assert response.get_data(as_text=True) == "console.log('query page');\n"
    assert "max-age=3600" in response.headers["Cache-Control"]
    assert client.get(style.group(1)).mimetype == "text/css"


@pytest.mark.parametrize(
    "path",
    [
        "/assets/nothing.js",
        "/assets/../pyproject.toml",
        "/assets/%2e%2e/pyproject.toml",
        "/assets/",
    ],
)
def test_assets_outside_the_bundle_are_not_found(
    client: FlaskClient, fake_bundle: Path, path: str
) -> None:
    assert client.get(path).status_code == 404


def test_missing_bundle_still_renders_the_plain_form(client: FlaskClient, no_bundle: Path) -> None:
    page = get_page(client)
    assert NOT_BUILT in page
    assert '<script type="module"' not in page and "/assets/" not in page
    assert textarea(page) == DEFAULT_QUERY
    assert client.get("/assets/query.js").status_code == 404


def test_half_built_bundle_counts_as_missing(client: FlaskClient, fake_bundle: Path) -> None:
    (fake_bundle / STYLE).unlink()
    assert NOT_BUILT in get_page(client)


def release_with(ld_release: BuildResult, tmp_path: Path, examples: str | None) -> Flask:
    """An app over a copy of the release (files linked) whose ``examples.json`` is ``examples``."""
    folder = tmp_path / "release"
    folder.mkdir()
    for entry in ld_release.release.iterdir():
        if entry.name != EXAMPLES_FILE:
            (folder / entry.name).symlink_to(entry)
    if examples is not None:
        (folder / EXAMPLES_FILE).write_text(examples, encoding="utf-8")
    return create_app({"DLBIO_KG_DIR": str(folder), "TESTING": True})


def test_release_without_examples_drops_the_picker(ld_release: BuildResult,
                                                   tmp_path: Path) -> None:
    page = get_page(release_with(ld_release, tmp_path, None).test_client())
    assert 'id="example-picker"' not in page
    assert config(page)["examples"] == []


def test_malformed_examples_are_logged_not_a_500(
    ld_release: BuildResult, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = release_with(ld_release, tmp_path, '[{"stem": "bad"}]')
    page = get_page(app.test_client())
    assert config(page)["examples"] == []
    assert EXAMPLES_FILE in caplog.text


def test_examples_come_from_the_release_not_the_source_tree(ld_release: BuildResult) -> None:
    published = json.loads((ld_release.release / EXAMPLES_FILE).read_text(encoding="utf-8"))
    assert [e["stem"] for e in published] == [e.stem for e in EXAMPLES]
    assert all(e["text"] == BY_STEM[e["stem"]].text for e in published)


@pytest.mark.parametrize(("path", "current"), [
    ("/", None), ("/method/deepbind", '<a href="/method/" aria-current="true">Methods</a>'),
    ("/query", '<a href="/query" aria-current="page">Query</a>'),
    ("/paper/", '<a href="/browse" aria-current="true">Browse</a>'),
])
def test_site_navigation_marks_the_current_page_only(client: FlaskClient, path: str,
                                                     current: str | None) -> None:
    html = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    nav = html.split('<nav aria-label="Site">', 1)[1].split("</nav>", 1)[0]
    assert '<a href="/query"' in nav
    assert nav.count("aria-current") == (1 if current else 0)
    if current:
        assert current in nav


def test_entity_page_opens_describe_in_the_query_page(client: FlaskClient) -> None:
    iri = "https://w3id.org/dlbio/method/deepbind"
    entity = client.get("/method/deepbind", headers={"Accept": "text/html"}).get_data(as_text=True)
    link = "/query?" + urlencode({"query": f"DESCRIBE <{iri}>"})
    assert f'href="{link}">in the SPARQL editor</a>' in entity
    page = get_page(client, query=f"DESCRIBE <{iri}>")
    assert textarea(page) == f"DESCRIBE <{iri}>" and config(page)["autorun"] is True
