"""Every page type in headless Debian Chromium: axe-core finds no serious or critical
accessibility violation, nothing overflows a 390 px wide screen, the home page's pictures link
to the matching facet, and the Content-Security-Policy reports no violation meanwhile.

axe-core comes from the frontend's npm packages (``server/site/frontend/node_modules``), evaluated
through the DevTools protocol, so the pages' CSP stays as served.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page

from tests.querypage.test_csp import WATCH

TIMEOUT_MS = 15_000
DESCRIBE = "/query?query=DESCRIBE+%3Chttps%3A%2F%2Fw3id.org%2Fdlbio%2Fmethod%2Fdeepbind%3E"
PAGES = [
    "/",
    "/method/",
    "/method/?architecture=cnn&listed=2017",
    "/method/deepbind",
    "/method/alphafold",
    "/method/spindle",  # withdrawn
    "/paper/",
    "/paper/deepbind",
    "/architecture/cnn",
    "/modality/dna-sequence",
    "/repository/uci-cbcl-danq",
    "/version/",
    "/edam/",
    "/edam/topic_3295",
    "/browse",
    "/search?q=sequence",
    "/schema/",
    "/schema/Method",
    "/download",
    "/sparql",
    "/query",
    DESCRIBE,
    "/query?query=SELEC+%3Fx+WHERE+%7B%7D",
    "/method/no-such-method",
]
SERIOUS = ("serious", "critical")
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


def _tab(browser: Browser, served: str, width: int) -> Iterator[Page]:
    context = browser.new_context(base_url=served, viewport={"width": width, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(WATCH)
    yield context.new_page()
    context.close()


@pytest.fixture
def wide(browser: Browser, served: str) -> Iterator[Page]:
    yield from _tab(browser, served, 1200)


@pytest.fixture
def narrow(browser: Browser, served: str) -> Iterator[Page]:
    yield from _tab(browser, served, 390)


def visit(page: Page, path: str) -> None:
    page.goto(path, wait_until="networkidle")
    if path.startswith("/query?"):  # the answer (or the error) is part of the page
        page.locator("#result-status:not(:empty), #result-error:not(:empty)").first.wait_for()


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_serious_violation(wide: Page, axe_source: str, path: str) -> None:
    visit(wide, path)
    wide.evaluate(axe_source + "\n;true")
    violations = wide.evaluate(AXE_RUN)
    assert [v for v in violations if v["impact"] in SERIOUS] == []
    assert wide.evaluate("window.__csp") == []


@pytest.mark.parametrize("path", PAGES)
def test_nothing_overflows_at_390_px(narrow: Page, path: str) -> None:
    visit(narrow, path)
    width, inner = narrow.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{path} is {width - inner} px too wide"
    assert narrow.evaluate("window.__csp") == []


def test_axe_would_report_a_serious_violation(wide: Page, axe_source: str) -> None:
    """The check can fail: an image without a text alternative is reported."""
    visit(wide, "/")
    wide.evaluate("""() => { const img = document.createElement("img");
                             img.src = "/static/favicon.svg"; document.body.append(img); }""")
    wide.evaluate(axe_source + "\n;true")
    assert "image-alt" in {v["id"] for v in wide.evaluate(AXE_RUN) if v["impact"] in SERIOUS}


PICTURES = {"time": {"listed", "subfield"}, "architectures": {"architecture"},
            "lineage": {"lineage"}, "topics": {"topic"}}


@pytest.mark.parametrize(("ident", "params"), PICTURES.items())
def test_home_picture_is_drawn_and_opens_its_facet(wide: Page, ident: str,
                                                    params: set[str]) -> None:
    visit(wide, "/")
    picture = wide.locator(f"figure#{ident} svg.chart")
    assert picture.is_visible()
    box = picture.bounding_box()
    assert box["width"] > 200 and box["height"] > 100
    mark = wide.locator(f"figure#{ident} a[href^='/method/?']").first
    href = mark.get_attribute("href")
    assert params & set(parse_qs(urlsplit(href).query))
    drawn = mark.locator("title").count() > 0  # a mark of the picture, or its caption's link
    title = mark.locator("title").text_content() if drawn else ""
    (mark.locator("rect, text").first if drawn else mark).click()
    wide.wait_for_url(re.compile(re.escape(href.split("?", 1)[1])))
    shown = int(re.search(r"Showing (\d+) of", wide.locator("p.count").inner_text()).group(1))
    counted = re.search(r"(\d+) methods$", title)
    if counted:
        assert shown == int(counted.group(1))
    assert shown > 0
    assert wide.locator("aside.facets [aria-current='true']").count() >= 1


def test_method_page_neighbourhood_is_drawn(wide: Page) -> None:
    visit(wide, "/method/deepbind")
    graph = wide.locator("section.neighbourhood svg.chart")
    assert graph.is_visible()
    graph.locator("a[href='/method/deeperbind']").click()
    wide.wait_for_url(re.compile(r"/method/deeperbind$"))
