"""The site's frame and wording: human labels, inferred facts marked, each link once, the
navigation, the favicon and the endpoint's page for browsers."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from kg.build import BuildResult
from server.graph.schemadoc import read_schema_doc


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def fact_rows(html: str) -> dict[str, str]:
    """Row heading (badges removed) → the row's HTML, from the Facts table."""
    table = html.split('<table class="facts">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr[^>]*><th scope="row">(.*?)</th>(.*?)</tr>', table, re.S)
    return {re.sub(r"\s*<span.*", "", head, flags=re.S): row for head, row in rows}


@pytest.mark.parametrize("path", ["/method/deepbind", "/paper/deepbind", "/architecture/cnn",
                                  "/repository/uci-cbcl-danq", "/version/"])
def test_no_raw_slot_name_is_shown(client: FlaskClient, ld_release: BuildResult,
                                   path: str) -> None:
    text = re.sub(r"<[^>]+>", " ", page(client, path))
    doc = read_schema_doc(ld_release.release)
    slots = [n for n, t in doc.terms.items() if t.kind == "slot" and "_" in n]
    assert slots, "the schema has snake_case slots to look for"
    assert [slot for slot in slots if re.search(rf"\b{slot}\b", text)] == []


def test_fact_rows_are_labelled_in_sentence_case(client: FlaskClient) -> None:
    rows = fact_rows(page(client, "/method/deepbind"))
    assert {"EDAM inputs", "Data modalities", "Architectures", "Paper"} <= set(rows)
    assert all(title[0].isupper() for title in rows)


def test_inferred_facts_are_marked_where_they_appear(client: FlaskClient) -> None:
    html = page(client, "/method/deepbind")
    rows = fact_rows(html)
    inferred = {title for title, _ in rows.items()
                if re.search(rf'<tr class="inferred"><th scope="row">{re.escape(title)} <span',
                             html)}
    assert inferred == {"Architectures", "EDAM inputs", "EDAM operations", "EDAM outputs",
                        "EDAM topics"}
    assert "Inferred facts" not in rows  # the list of slot names is not a row of its own
    assert 'id="inferred-note"' in html


def test_each_link_out_is_shown_once(client: FlaskClient) -> None:
    html = page(client, "/method/deepbind")
    links = html.split('id="links-h"', 1)[1].split("</section>", 1)[0]
    hrefs = re.findall(r'href="([^"]+)"', links)
    assert hrefs.count("http://tools.genes.toronto.edu/deepbind/") == 1
    assert len(hrefs) == len(set(hrefs))
    assert "code: http" not in html


def test_entity_kind_is_in_words(client: FlaskClient) -> None:
    assert '<p class="kind">Software framework</p>' in page(client, "/framework/theano")
    assert '<p class="kind">Data modality</p>' in page(client, "/modality/dna-sequence")


def test_every_page_links_the_svg_favicon(client: FlaskClient) -> None:
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in page(client, "/")
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.mimetype == "image/svg+xml"
    assert icon.get_data(as_text=True).lstrip().startswith("<svg")


def test_facet_filter_box_has_a_visible_label(client: FlaskClient) -> None:
    html = page(client, "/method/")
    assert '<label for="m-q">Filter by text</label>' in html
    assert 'id="m-q"' in html


def test_sparql_page_for_browsers_names_the_endpoint_and_the_editor(client: FlaskClient) -> None:
    html = page(client, "/sparql")
    assert "<h1>SPARQL endpoint</h1>" in html
    assert 'href="/query"' in html
    assert '<a href="/sparql" aria-current="page">SPARQL</a>' in html


def test_readme_shows_the_home_page_picture_and_it_stays_small() -> None:
    from kg.paths import PROJECT_ROOT

    picture = PROJECT_ROOT / "docs" / "home.png"
    assert "](docs/home.png)" in (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert picture.stat().st_size < 300_000, "retake it: bench/pages/screenshot.py --height …"


def test_pages_without_a_release_degrade(ld_release: BuildResult) -> None:
    """Served ``--load`` files have no release: no schema documentation, no example queries,
    and every page still answers."""
    from server import create_app

    app = create_app({"DLBIO_LOAD": [str(ld_release.release / "dlbio.nt")], "TESTING": True})
    client = app.test_client()
    for path in ("/", "/method/deepbind", "/method/", "/version/", "/schema", "/query"):
        assert client.get(path, headers={"Accept": "text/html"}).status_code == 200, path
    assert client.get("/schema", headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get("/schema/Method").status_code == 404
    assert 'id="example-picker"' not in client.get("/query").get_data(as_text=True)


def test_the_release_documents_the_schema_and_the_examples(ld_release: BuildResult) -> None:
    from kg.release_docs import EXAMPLES, SCHEMA_DOC

    doc = read_schema_doc(ld_release.release)
    assert doc.terms["Method"].uri == "http://schema.org/SoftwareApplication"
    assert doc.terms["dataModality"] is doc.terms["modalities"]
    assert (ld_release.release / SCHEMA_DOC).is_file() and (ld_release.release / EXAMPLES).is_file()
