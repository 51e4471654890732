"""End to end: the real gunicorn server, read by an RDF client (rdflib), curl-like requests and a
real browser (headless Debian Chromium driven by Playwright, no browser download).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
import requests
from liveserver import live_server
from playwright.sync_api import Browser, Page, sync_playwright

from kg.build import BuildResult

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def live(ld_release: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``dlbio serve``'s code path (gunicorn, 2 workers) on a free loopback port."""
    with live_server(tmp_path_factory.mktemp("live"), kg_dir=ld_release.release) as base:
        yield base


def _local(base: str, iri: str) -> str:
    return base + "/" + iri.split("/dlbio/", 1)[1]


def test_rdflib_dereferences_an_entity_over_http(live: str) -> None:
    graph = rdflib.Graph().parse(f"{live}/method/danq")
    subject = rdflib.URIRef("https://w3id.org/dlbio/method/danq")
    assert graph.value(subject, rdflib.RDFS.label) == rdflib.Literal("DanQ")


@pytest.mark.parametrize(
    "accept",
    [
        "text/turtle",
        "application/ld+json",
        "application/rdf+xml",
        "application/n-triples",
        "text/html",
    ],
)
def test_live_conneg_headers(live: str, accept: str) -> None:
    response = requests.get(f"{live}/paper/danq", headers={"Accept": accept}, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == accept
    assert "Accept" in response.headers["Vary"]
    assert 'rel="alternate"' in response.headers["Link"]


def test_live_redirects(live: str) -> None:
    moved = requests.get(f"{live}/framework/th", allow_redirects=False, timeout=10)
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith("/framework/theano")
    resolved = requests.get(f"{live}/resolve/doi:10.1038/nbt.3300", timeout=10)
    assert resolved.url == f"{live}/paper/deepbind"


def test_live_range_download(live: str) -> None:
    response = requests.get(
        f"{live}/download/dlbio.ttl", headers={"Range": "bytes=0-6"}, timeout=10
    )
    assert response.status_code == 206
    assert response.content == b"@prefix"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium through Playwright (needs `apt-get install chromium`)."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail("Debian chromium is not installed: run `apt-get install -y chromium`")
    # Chromium puts a Unix socket in TMPDIR, whose path may not exceed 107 bytes: a long TMPDIR
    # (CI's, a deep pytest tmp path) would abort it, so it gets a short one of its own.
    short = tempfile.mkdtemp(prefix="chromium-", dir="/tmp")
    try:
        with sync_playwright() as playwright:
            instance = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, env={**os.environ, "TMPDIR": short}
            )
            yield instance
            instance.close()
    finally:
        shutil.rmtree(short, ignore_errors=True)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_browser_entity_page(live: str, page: Page) -> None:
    page.goto(f"{live}/method/deepbind")
    assert page.title() == "DeepBind · DLBio-KG"
    assert page.locator("h1").inner_text() == "DeepBind"
    links = page.get_by_role("link")
    assert (
        links.filter(has_text="DOI 10.1038/nbt.3300").get_attribute("href")
        == "https://doi.org/10.1038/nbt.3300"
    )
    assert page.get_by_role("link", name="Turtle", exact=True).count() == 1
    browser_links = page.get_by_role("link", name="EDAM browser")
    assert browser_links.count() >= 2
    page.get_by_role("link", name="Convolutional neural network").first.click()
    assert page.url == f"{live}/architecture/cnn"
    assert "Methods (" in page.locator("main").inner_text()


def test_browser_facet_list(live: str, page: Page) -> None:
    page.goto(f"{live}/method/")
    rows = page.locator("table.methods tbody tr")
    everything = rows.count()
    assert everything >= 30
    facet = page.locator("section", has=page.get_by_role("heading", name="Architecture"))
    facet.get_by_role("link", name="Recurrent neural network").click()
    assert "architecture=rnn" in page.url
    names = rows.locator("th").all_inner_texts()
    assert 0 < len(names) < everything
    assert "mRNN" in " ".join(names) or any("RNN" in n for n in names)
    status = page.get_by_role("status").inner_text()
    assert status.startswith(f"Showing {len(names)} of {everything} methods")
    page.get_by_role("link", name="clear all filters").click()
    assert rows.count() == everything


def test_browser_search_box_without_javascript(live: str, page: Page) -> None:
    page.goto(f"{live}/method/not-a-method")
    assert page.locator("h1").inner_text() == "Not found"
    box = page.get_by_label("Search names and descriptions")
    box.fill("chromatin")
    box.press("Enter")
    assert "/search?q=chromatin" in page.url
    assert page.get_by_role("link", name="Basset").count() == 1


def test_browser_download_page(live: str, page: Page, ld_release: BuildResult) -> None:
    page.goto(f"{live}/download")
    table = page.locator("table.downloads")
    assert table.locator("tbody tr").count() == 6
    text = table.inner_text()
    for dump in ld_release.files:
        assert dump.name in text and dump.sha256 in text
    assert page.get_by_role("link", name="CC0 1.0 (public domain dedication)").count() == 1
    assert ld_release.version in page.locator("main").inner_text()


def test_live_gz_dump_reads_as_rdf_for_an_rdf_client(live: str) -> None:
    """What Comunica does with a ``.gz`` source: name the RDF type, accept gzip, read Turtle."""
    response = requests.get(f"{live}/download/dlbio.ttl.gz", timeout=10,
                            headers={"Accept": "text/turtle", "Accept-Encoding": "gzip"})
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert response.headers["Content-Encoding"] == "gzip"
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    assert len(graph) > 1000
