"""The query page in a real browser: headless Debian Chromium (Playwright) against the live
gunicorn server of the linked-data tests, serving the KG built from ``data/`` and the editor bundle.

Load, pick an example, run it with Ctrl+Enter, see the rows derived from the list, follow a result
link, download CSV, reload the shared URL, see errors and timeouts explained, complete prefixes,
and use the plain form with JavaScript off.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, Page

from kg.examples import read_example
from kg.namespaces import PREFIXES, compact
from kg.paths import PROJECT_ROOT

QUERIES = PROJECT_ROOT / "queries"
EXAMPLE = read_example(QUERIES / "methods-per-subfield.rq")
EXPECTED = json.loads((QUERIES / "expected" / f"{EXAMPLE.stem}.json").read_text("utf-8"))
EXPECTED_ROWS = [[str(value) for value in row] for row in EXPECTED["rows"]]
TIMEOUT_MS = 15_000


@pytest.fixture
def page(browser: Browser, served: str) -> Iterator[Page]:
    """A JavaScript-enabled page on the live server; fails the test on any script error."""
    context = browser.new_context(base_url=served, viewport={"width": 1200, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    yield tab
    context.close()
    assert errors == []


@pytest.fixture
def plain_page(browser: Browser, served: str) -> Iterator[Page]:
    """A page with JavaScript off."""
    context = browser.new_context(base_url=served, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def editor_text(page: Page) -> str:
    """The editor's text (the hidden textarea follows every change)."""
    return page.locator("#query-text").input_value()


def table_rows(page: Page) -> list[list[str]]:
    return page.locator("table.results tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))"
    )


def run_with_keyboard(page: Page) -> None:
    page.locator(".cm-content").click()
    page.keyboard.press("Control+Enter")


def _assert_expected_csv(download, saved: Path) -> None:
    """Save a downloaded CSV and check it holds exactly the example's expected rows."""
    download.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    assert header == EXPECTED["columns"]
    assert [[compact(cell) for cell in row] for row in rows] == EXPECTED_ROWS


def test_pick_run_follow_download_and_share(page: Page, served: str, tmp_path: Path) -> None:
    page.goto("/query")
    assert page.locator(".cm-editor").is_visible()
    assert page.get_by_text("The editor assets are not built").count() == 0
    assert "Ctrl+Enter" in page.locator("#editor-help").inner_text()
    page.locator("#query-label").click()
    page.locator(".cm-editor.cm-focused").wait_for()  # CodeMirror marks focus asynchronously
    assert not page.locator("#result-format").is_visible()  # the plain form's extra

    page.get_by_label("Example query").select_option(label=EXAMPLE.header["title"])
    assert page.locator("#example-question").inner_text() == EXAMPLE.header["question"]
    assert editor_text(page) == EXAMPLE.text

    run_with_keyboard(page)
    page.locator("table.results").wait_for()
    assert table_rows(page) == EXPECTED_ROWS
    headings = page.locator("table.results thead th").all_inner_texts()
    assert headings == [f"?{name}" for name in EXPECTED["columns"]]
    assert page.get_by_role("status").inner_text().startswith(f"{len(EXPECTED_ROWS)} rows in ")
    shared = page.url
    assert parse_qs(urlsplit(shared).query)["query"] == [EXAMPLE.text]
    assert page.locator("#share-link").get_attribute("href") == shared[len(served) :]

    with page.expect_download() as download:
        page.get_by_role("button", name="Download results as CSV").click()
    _assert_expected_csv(download.value, tmp_path / "results.csv")

    page.reload()  # the shared URL reproduces the query and its results
    page.locator("table.results").wait_for()
    assert editor_text(page) == EXAMPLE.text
    assert table_rows(page) == EXPECTED_ROWS

    page.get_by_role("link", name="subfield:single-cell", exact=True).click()
    page.wait_for_url(f"{served}/subfield/single-cell")
    assert page.locator("h1").inner_text() == "Single-cell applications"


def test_aggregate_result_has_a_bar_chart(page: Page) -> None:
    page.goto(f"/query?example={EXAMPLE.stem}")
    page.get_by_role("button", name="Run query").click()
    page.locator("table.results").wait_for()
    chart_button = page.get_by_role("button", name="Chart")
    chart_button.click()
    assert chart_button.get_attribute("aria-pressed") == "true"
    chart = page.get_by_role("img", name=re.compile(r"^Bar chart of \?methods by \?heading"))
    assert chart.is_visible()
    assert not page.locator("table.results").is_visible()
    labels = chart.locator("text.bar-label").all_text_contents()
    values = chart.locator("text.bar-value").all_text_contents()
    assert [[label, value] for label, value in zip(labels, values, strict=True)] == [
        [row[1][:33] + "…" if len(row[1]) > 34 else row[1], row[2]] for row in EXPECTED_ROWS
    ]
    page.get_by_role("button", name="Table").click()
    assert page.locator("table.results").is_visible()


def test_non_aggregate_result_has_no_chart(page: Page) -> None:
    page.goto(
        "/query?" + "query=SELECT+%3Fm+WHERE+%7B+%3Fm+a+%3Chttp%3A%2F%2Fschema.org%2F"
        "SoftwareApplication%3E+%7D+LIMIT+3"
    )
    page.locator("table.results").wait_for()
    assert len(table_rows(page)) == 3
    assert page.get_by_role("button", name="Chart").is_hidden()
    assert page.get_by_role("button", name="Table").is_hidden()


def test_syntax_error_shows_the_parser_message(page: Page) -> None:
    page.goto("/query?query=SELECT+*+WHERE+%7B+%3Fs+%3Fp+%7D")
    alert = page.get_by_role("alert")
    alert.get_by_role("heading", name="The query has an error").wait_for()
    assert re.search(r"syntax error: error at 1:\d+", alert.inner_text())
    assert page.locator("table.results").count() == 0
    assert page.locator("#result-tools").is_hidden()  # no views or downloads of nothing
    alert.get_by_role("button", name=re.compile(r"^Go to line 1, column \d+$")).click()
    page.locator(".cm-editor.cm-focused").wait_for()  # CodeMirror marks focus asynchronously


def test_syntax_error_is_shown_at_its_line_and_column(page: Page) -> None:
    query = "PREFIX s: <http://schema.org/>\nSELEC ?x WHERE { ?x a s:Thing }"
    page.goto("/query?" + urlencode({"query": query}))
    context = page.locator("pre.error-context")
    context.wait_for()
    line, caret = context.inner_text().split("\n")
    assert line == "2 | SELEC ?x WHERE { ?x a s:Thing }"
    assert caret.index("^") == line.index("SELEC")  # the caret under the misspelt keyword
    mark = page.locator(".cm-lintRange-error")
    mark.wait_for()
    assert mark.inner_text() == "SELEC"


def test_timeout_is_explained(page: Page) -> None:
    message = (
        "the query did not finish within the time limit of 30 s and was stopped; "
        "narrow it down or add a LIMIT"
    )
    page.route(
        "**/sparql",
        lambda route: route.fulfill(
            status=503,
            content_type="application/json",
            body=json.dumps({"error": {"status": 503, "message": message}}),
        ),
    )
    page.goto("/query")
    run_with_keyboard(page)
    alert = page.get_by_role("alert")
    alert.get_by_role("heading", name="The query timed out").wait_for()
    assert message in alert.inner_text()
    assert "time limit" in alert.inner_text().lower()
    assert page.get_by_role("button", name="Run query").is_enabled()


def test_typing_or_completing_a_prefix_declares_it(page: Page) -> None:
    page.goto("/query")
    page.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.type("SELECT ?m WHERE { ?m a schem")
    page.locator(
        ".cm-tooltip-autocomplete .cm-completionLabel", has_text=re.compile(r"^schema:$")
    ).click()
    page.keyboard.type(
        "SoftwareApplication ; dcterms:subject subfield:single-cell } # method: here"
    )
    text = editor_text(page)
    assert text.startswith(
        f"PREFIX schema: <{PREFIXES['schema']}>\n"
        f"PREFIX dcterms: <{PREFIXES['dcterms']}>\n"
        f"PREFIX subfield: <{PREFIXES['subfield']}>\n"
    )
    assert "PREFIX method:" not in text  # not in a comment
    assert text.endswith(
        "?m a schema:SoftwareApplication ; dcterms:subject subfield:single-cell } # method: here"
    )
    page.keyboard.press("Control+Enter")
    page.locator("table.results").wait_for()
    assert len(table_rows(page)) == 10  # the single-cell methods


def test_entity_page_describe_link_shows_a_graph_table_and_turtle(page: Page, served: str) -> None:
    page.goto("/method/deepbind")
    page.get_by_role("link", name="in the SPARQL editor").click()
    page.wait_for_url(re.compile(r"/query\?query=DESCRIBE"))
    graph = page.locator("#result-graph svg.rdf-graph")
    graph.wait_for()  # the graph view comes first for CONSTRUCT/DESCRIBE
    assert graph.locator('a[href="/method/deepbind"]').count() == 1
    assert graph.locator('a[href="/architecture/cnn"]').count() == 1
    assert page.get_by_role("button", name="Graph").get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Table").click()
    cells = page.locator("#result-table table.results tbody td").all_inner_texts()
    assert "rdfs:label" in cells and "method:deepbind" in cells  # prefixed names
    page.get_by_role("button", name="Turtle", exact=True).click()
    turtle = page.locator("pre.turtle")
    turtle.wait_for()
    assert '"DeepBind"' in turtle.inner_text()
    assert "method:deepbind" in turtle.inner_text()
    downloads = page.locator("#download-buttons button").all_inner_texts()
    assert downloads == ["Turtle", "N-Triples", "JSON-LD"]
    assert page.get_by_role("button", name="Chart").is_hidden()


def test_results_use_the_query_own_prefixes(page: Page) -> None:
    query = ("PREFIX m: <https://w3id.org/dlbio/method/>\n"
             "SELECT ?s WHERE { ?s ?p ?o FILTER(?s = m:deepbind) } LIMIT 1")
    page.goto("/query?" + urlencode({"query": query}))
    page.locator("table.results").wait_for()
    assert table_rows(page) == [["m:deepbind"]]


def test_plain_form_without_javascript(plain_page: Page, tmp_path: Path) -> None:
    plain_page.goto("/query")
    assert plain_page.locator(".cm-editor").count() == 0
    assert "Ctrl" not in plain_page.locator("#editor-help").inner_text()
    plain_page.get_by_label("Example query").select_option(EXAMPLE.stem)
    plain_page.get_by_role("button", name="Load example").click()
    assert plain_page.get_by_label("SPARQL query").input_value() == EXAMPLE.text
    plain_page.get_by_label("Answer format").select_option("csv")
    with plain_page.expect_download() as download:
        plain_page.get_by_role("button", name="Run query").click()
    _assert_expected_csv(download.value, tmp_path / "plain.csv")
