"""Lineage both ways, the listing history, resource and version pages, and the status facet,
on the KG built from ``data/``.
"""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from server.graph.segments import ENTITY_SEGMENTS, INDEX_SEGMENTS


def html(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(page: str, title: str) -> str:
    """The HTML of the page section headed ``title``."""
    match = re.search(rf"<h2[^>]*>{re.escape(title)}</h2>(.*?)</section>", page, re.S)
    assert match, f"no section {title!r}"
    return match.group(1)


def kind(block: str, words: str) -> str:
    """The ``<dd>`` items under the ``<dt>`` reading ``words`` in a lineage section."""
    match = re.search(rf"<dt>{re.escape(words)}</dt>(.*?)(?=<dt>|</dl>)", block, re.S)
    assert match, f"no kind {words!r}"
    return match.group(1)


def test_builds_on_links_the_target_under_its_kind(client: FlaskClient) -> None:
    builds_on = section(html(client, "/method/openfold"), "Builds on")
    assert 'href="/method/alphafold2"' in kind(builds_on, "re-implementation of")


def test_only_the_most_specific_relation_is_shown(client: FlaskClient) -> None:
    builds_on = section(html(client, "/method/openfold"), "Builds on")
    assert builds_on.count('href="/method/alphafold2"') == 1
    assert "<dt>builds on</dt>" not in builds_on and "<dt>related to</dt>" not in builds_on


def test_built_upon_by_uses_the_reverse_wording(client: FlaskClient) -> None:
    built_upon = section(html(client, "/method/alphafold2"), "Built upon by")
    reimplemented = kind(built_upon, "re-implemented by")
    assert 'href="/method/openfold"' in reimplemented and 'href="/method/minifold"' in reimplemented


def test_inferred_relations_are_marked(client: FlaskClient) -> None:
    improves = kind(section(html(client, "/method/msa-transformer"), "Builds on"), "improves on")
    assert 'href="/method/esm-1"' in improves and "inferred" in improves
    assert "inferred" not in kind(section(html(client, "/method/openfold"), "Builds on"),
                                  "re-implementation of")


def test_relations_are_not_repeated_as_facts_or_back_links(client: FlaskClient) -> None:
    page = html(client, "/method/alphafold2")
    assert "Has this as" not in page and "qualifiedRelation" not in page


def test_listing_history_links_versions_with_dates(client: FlaskClient) -> None:
    history = section(html(client, "/method/openfold"), "Listing history")
    assert re.search(r'First listed.*?<a href="/version/5deb0550">version 5deb0550 \(2022-12-03\)',
                     history, re.S)
    assert '<a href="/version/dc819f91">' in history
    assert re.search(r"Listed in</th><td><ul><li>14 of \d+ versions", history)
    assert "<li>listed</li>" in history


def test_withdrawn_method_is_clearly_marked(client: FlaskClient) -> None:
    page = html(client, "/method/spindle")
    assert '<p class="withdrawn"' in page
    assert "<li>withdrawn <small" in section(page, "Listing history")
    assert '<p class="withdrawn"' not in html(client, "/method/openfold")


def test_earlier_titles_are_shown(client: FlaskClient) -> None:
    history = section(html(client, "/paper/scvae"), "Listing history")
    assert "scVAE: Single-cell variational auto-encoders" in history


def test_review_and_resource_pages_show_the_history(client: FlaskClient) -> None:
    for path in ("/paper/primer-deep-learning-genomics", "/resource/kipoi"):
        assert "First listed" in section(html(client, path), "Listing history")


@pytest.mark.parametrize("path", ["/resource/kipoi", "/version/dc819f91"])
def test_resource_and_version_pages_negotiate(client: FlaskClient, path: str) -> None:
    assert client.get(path, headers={"Accept": "text/html"}).status_code == 200
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.content_type.startswith("text/turtle")
    assert client.get(f"{path}.ttl").status_code == 200


def test_version_page_lists_its_entries_and_successor(client: FlaskClient) -> None:
    page = html(client, "/version/5deb0550")
    assert "version 5deb0550 (2022-12-03)" in page
    assert 'href="/method/openfold"' in section_like(page, "Entries first listed in this version")
    assert "Next version" in page


def section_like(page: str, prefix: str) -> str:
    """The section whose title starts with ``prefix`` (titles end with a count)."""
    match = re.search(rf"<h2[^>]*>{re.escape(prefix)}[^<]*</h2>(.*?)</section>", page, re.S)
    assert match, f"no section {prefix!r}"
    return match.group(1)


def test_new_classes_have_index_pages(client: FlaskClient) -> None:
    assert 'href="/resource/kipoi"' in html(client, "/resource/")
    versions = html(client, "/version/")
    assert versions.index("/version/dc819f91") < versions.index("/version/5deb0550")


def test_segments_are_served_documented_and_resolvable(client: FlaskClient) -> None:
    from server.site.browse import BY_SEGMENT
    from server.site.openapi import document
    from server.site.registry import LOCAL_ID

    def documented(path: str) -> set[str]:
        parameters = document()["paths"][path]["get"]["parameters"]
        return set(next(p["schema"]["enum"] for p in parameters if p["name"] == "segment"))

    assert {"resource", "version"} <= set(ENTITY_SEGMENTS) == documented("/{segment}/{ident}")
    assert set(INDEX_SEGMENTS) == documented("/{segment}/") == set(BY_SEGMENT)
    assert re.fullmatch(LOCAL_ID, "resource/kipoi") and re.fullmatch(LOCAL_ID, "version/dc819f91")
    assert client.get("/resolve/dlbio:resource/kipoi").headers["Location"].endswith("/resource/kipoi")


def listed(client: FlaskClient, query: str) -> set[str]:
    table = html(client, f"/method/?{query}").split('<table class="methods">', 1)[1]
    return set(re.findall(r'<th scope="row"><a href="(/method/[^"]+)"', table))


def test_status_facet_selects_the_withdrawn_methods(client: FlaskClient) -> None:
    withdrawn = {"/method/spindle", "/method/neuroimaging-validation", "/method/leap"}
    assert listed(client, "status=withdrawn") == withdrawn
    everything = listed(client, "")
    assert listed(client, "status=listed") == everything - withdrawn


def test_status_facet_offers_links_with_counts(client: FlaskClient) -> None:
    facet = section(html(client, "/method/"), "Listing status")
    assert re.search(r'<a href="/method/\?status=withdrawn">withdrawn</a> <span class="n">3</span>',
                     facet)
    selected = section(html(client, "/method/?status=withdrawn"), "Listing status")
    assert '<a href="/method/" aria-current="true"' in selected


def test_subfield_facet_has_the_new_subfields(client: FlaskClient) -> None:
    facet = section(html(client, "/method/"), "Subfield")
    for slug in ("protein-biology", "structure-prediction", "sequence-modelling",
                 "chemoinformatics-and-drug-discovery"):
        assert f'href="/method/?subfield={slug}"' in facet
    assert "/method/openfold" in listed(client, "subfield=protein-biology")
