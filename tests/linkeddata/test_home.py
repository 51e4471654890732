"""The home page draws the field as server-side SVG whose marks link into the faceted list;
method pages draw their neighbourhood."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient


def html(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def figure(page: str, ident: str) -> str:
    return page.split(f'<figure class="picture" id="{ident}">', 1)[1].split("</figure>", 1)[0]


def listed(client: FlaskClient, href: str) -> int:
    page = html(client, href)
    return int(re.search(r"Showing (\d+) of", page).group(1))


@pytest.mark.parametrize(("ident", "params"), [
    ("time", {"listed", "subfield"}), ("architectures", {"architecture"}),
    ("lineage", {"lineage"}), ("topics", {"topic"}),
])
def test_each_picture_is_svg_linking_into_the_faceted_list(client: FlaskClient, ident: str,
                                                           params: set[str]) -> None:
    part = figure(html(client, "/"), ident)
    assert "<svg" in part
    assert " style=" not in part and "<script" not in part  # nothing the CSP would refuse
    facets = [h for h in re.findall(r'href="([^"]+)"', part) if h.startswith("/method/?")]
    assert facets
    assert params <= {key for h in facets for key in parse_qs(urlsplit(h).query)}


def test_bar_counts_match_the_list_they_open(client: FlaskClient) -> None:
    page = html(client, "/")
    for ident in ("architectures", "topics", "time"):
        marks = re.findall(r'<a href="(/method/\?[^"]+)"><title>[^<]*?(\d+) methods</title>',
                           figure(page, ident).replace("&amp;", "&"))
        assert marks
        for href, count in marks[:5]:
            assert listed(client, href) == int(count), href


def test_lineage_facet_selects_the_methods_drawn(client: FlaskClient) -> None:
    part = figure(html(client, "/"), "lineage")
    drawn = set(re.findall(r'<a href="(/method/[a-z0-9-]+)"><title>', part))
    assert len(drawn) == listed(client, "/method/?lineage=yes")
    assert "/method/deepbind" in drawn


def test_method_page_draws_its_neighbourhood(client: FlaskClient) -> None:
    page = html(client, "/method/deepbind")
    near = page.split('id="pic-near"', 1)[1].split("</section>", 1)[0]
    assert "<svg" in near
    for neighbour in ("/method/deeperbind", "/method/deepmotif"):  # built upon by
        assert f'href="{neighbour}"' in near
    assert "shares Convolutional neural network" in near
    assert 'class="edge builds_on"' in near


def test_concept_pages_have_no_method_graph(client: FlaskClient) -> None:
    assert 'id="pic-near"' not in html(client, "/architecture/cnn")
