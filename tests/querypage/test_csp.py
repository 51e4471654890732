"""The Content-Security-Policy in a real browser: headless Debian Chromium (Playwright) reports
no violation on any page type, with JavaScript on, the query page running a query included."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from server.web.security import CONTENT_SECURITY_POLICY

TIMEOUT_MS = 15_000
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""
PAGES = [
    "/",
    "/method/",
    "/method/?architecture=cnn",
    "/method/deepbind",
    "/paper/",
    "/architecture/cnn",
    "/edam/",
    "/edam/topic_3295",
    "/browse",
    "/search?q=sequence",
    "/schema/",
    "/schema/Method",
    "/download",
    "/query",
    "/sparql",
    "/method/no-such-method",
]


@pytest.fixture
def page(browser: Browser, served: str) -> Iterator[Page]:
    """A JavaScript-enabled tab that records CSP violations (DOM events and console reports)."""
    context = browser.new_context(base_url=served, viewport={"width": 1200, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(WATCH)
    tab = context.new_page()
    tab.console_reports = []  # type: ignore[attr-defined]
    tab.on("console", lambda m: tab.console_reports.append(m.text)  # type: ignore[attr-defined]
           if "Content Security Policy" in m.text else None)
    yield tab
    context.close()


def violations(page: Page) -> list[str]:
    return page.evaluate("window.__csp") + page.console_reports  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", PAGES)
def test_no_csp_violation(page: Page, path: str) -> None:
    response = page.goto(path, wait_until="networkidle")
    policy = re.sub(r" 'nonce-[^']+'", "", response.headers["content-security-policy"])
    assert policy == CONTENT_SECURITY_POLICY
    assert violations(page) == []


def test_query_page_runs_a_query_without_csp_violation(page: Page) -> None:
    page.goto("/query?query=SELECT+%3Fs+(COUNT(*)+AS+%3Fn)+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D+"
              "GROUP+BY+%3Fs+LIMIT+5", wait_until="networkidle")
    page.locator("table.results").wait_for()
    page.locator(".cm-content").click()
    page.keyboard.type(" ")
    page.wait_for_load_state("networkidle")
    assert violations(page) == []


def test_a_violation_would_be_reported(page: Page) -> None:
    """The watch works: an inline script injected into a served page is blocked and reported."""
    page.goto("/", wait_until="networkidle")
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "window.ran = true"; document.body.append(s); }""")
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.ran") is None
    assert any(v.startswith("script-src") for v in violations(page))
