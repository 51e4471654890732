// The query page: turns the plain form of /query into an editor with examples, runs queries on
// /sparql and shows the answer as a table, a chart, Turtle, or a clear error message.

import { createEditor, focusAt, setText } from "./editor.js";
import { DOWNLOADS, QueryError, download, errorPosition, runQuery } from "./client.js";
import { MAX_ROWS, resultTable, turtleBlock } from "./results.js";
import { MAX_BARS, barChart, chartColumns } from "./chart.js";

const $ = (id) => document.getElementById(id);
const config = JSON.parse($("query-config").textContent);
const examples = new Map(config.examples.map((example) => [example.stem, example]));
const ui = {
  form: $("query-form"),
  textarea: $("query-text"),
  run: $("run-query"),
  share: $("share-link"),
  picker: $("example-picker"),
  question: $("example-question"),
  results: $("results"),
  status: $("result-status"),
  error: $("result-error"),
  tools: $("result-tools"),
  downloads: $("download-buttons"),
  table: $("result-table"),
  chart: $("result-chart"),
  showTable: $("show-table"),
  showChart: $("show-chart"),
  views: $("result-views"),
  help: $("editor-help"),
  label: $("query-label"),
};
let running = null; // the AbortController of the query in flight
let lastRun = null; // {query, kind} of the result on show

const editor = createEditor(ui.textarea, {
  prefixes: config.prefixes,
  onRun: () => run(),
  labelId: "query-label",
  describedBy: "editor-help",
  styleNonce: config.styleNonce,
});
document.body.classList.add("js");
ui.help.innerHTML = "Press <kbd>Ctrl</kbd>+<kbd>Enter</kbd> to run. Typing a known prefix such as " +
  "<code>method:</code>, or picking one from the completions, adds its <code>PREFIX</code> line.";
ui.label.addEventListener("click", () => editor.focus());

function queryText() {
  return editor.state.doc.toString();
}

/** The shareable address of a query: /query?query=… */
function shareUrl(query) {
  return `/query?${new URLSearchParams({ query })}`;
}

function updateShareLink(query) {
  ui.share.href = shareUrl(query);
}

function setView(chart) {
  ui.table.hidden = chart;
  ui.chart.hidden = !chart;
  ui.showTable.setAttribute("aria-pressed", String(!chart));
  ui.showChart.setAttribute("aria-pressed", String(chart));
}

function clearResults() {
  for (const node of [ui.error, ui.table, ui.chart, ui.downloads]) node.replaceChildren();
  ui.tools.hidden = true;
  ui.views.hidden = true;
  setView(false);
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function showBindings(result, elapsed) {
  const options = { prefixes: config.prefixes, localNamespaces: config.localNamespaces };
  const shown = result.rows.length > MAX_ROWS ? ` (the first ${MAX_ROWS} are shown; download for all)` : "";
  ui.status.textContent = `${plural(result.rows.length, "row")} in ${elapsed} ms${shown}.`;
  ui.table.append(resultTable(result.vars, result.rows, options));
  const columns = chartColumns(result.vars, result.rows);
  if (columns) {
    ui.chart.append(barChart(result.rows, columns, config.prefixes));
    if (result.rows.length > MAX_BARS) {
      const note = document.createElement("p");
      note.className = "note";
      note.textContent = `The chart shows the first ${MAX_BARS} rows.`;
      ui.chart.append(note);
    }
    ui.views.hidden = false;
  }
}

function showResult(result, elapsed) {
  if (result.kind === "bindings") {
    showBindings(result, elapsed);
  } else if (result.kind === "boolean") {
    ui.status.textContent = `Answer: ${result.value ? "yes (true)" : "no (false)"}, in ${elapsed} ms.`;
  } else {
    ui.status.textContent = `A graph in Turtle, in ${elapsed} ms.`;
    ui.table.append(turtleBlock(result.text));
  }
  addDownloads(result.kind === "graph" ? DOWNLOADS.graph : DOWNLOADS.table);
  ui.tools.hidden = false;
}

function errorHeading(error) {
  if (error.status === 400) return "The query has an error";
  if (error.status === 503) return "The query timed out";
  if (error.status === 0) return "No answer from the endpoint";
  return `The endpoint answered ${error.status}`;
}

function showError(error) {
  ui.status.textContent = "";
  const heading = document.createElement("h3");
  heading.textContent = errorHeading(error);
  const message = document.createElement("pre");
  message.className = "error-message";
  message.textContent = error.message;
  ui.error.append(heading, message);
  if (error.status === 503) {
    const hint = document.createElement("p");
    hint.textContent = "Queries have a time limit. Add a LIMIT, make patterns more selective, or download the dumps for heavy analyses.";
    ui.error.append(hint);
  }
  const position = error.status === 400 ? errorPosition(error.message) : null;
  if (position) {
    const go = document.createElement("button");
    go.type = "button";
    go.textContent = `Go to line ${position.line}, column ${position.column}`;
    go.addEventListener("click", () => focusAt(editor, position.line, position.column));
    ui.error.append(go);
  }
}

function addDownloads(formats) {
  for (const format of formats) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = format.name;
    button.setAttribute("aria-label", `Download results as ${format.name}`);
    button.addEventListener("click", () => startDownload(format));
    ui.downloads.append(button);
  }
}

async function startDownload(format) {
  try {
    await download(config.endpoint, lastRun.query, format);
  } catch (error) {
    clearResults();
    showError(error);
  }
}

/** Run the editor's query, show its answer and make the address reproduce it. */
async function run({ pushHistory = true } = {}) {
  const query = queryText();
  if (!query.trim()) return;
  running?.abort();
  const controller = new AbortController();
  running = controller;
  ui.results.hidden = false;
  ui.results.setAttribute("aria-busy", "true");
  ui.run.disabled = true;
  clearResults();
  ui.status.textContent = "Running…";
  updateShareLink(query);
  if (pushHistory && location.pathname + location.search !== shareUrl(query)) {
    history.pushState({ query }, "", shareUrl(query));
  }
  const started = performance.now();
  try {
    const result = await runQuery(config.endpoint, query, controller.signal);
    lastRun = { query, kind: result.kind };
    showResult(result, Math.round(performance.now() - started));
  } catch (error) {
    if (error.name === "AbortError") return;
    showError(error instanceof QueryError ? error : new QueryError(0, String(error)));
  } finally {
    if (running === controller) {
      running = null;
      ui.run.disabled = false;
      ui.results.removeAttribute("aria-busy");
    }
  }
}

function loadExample(stem) {
  const example = examples.get(stem);
  ui.question.textContent = example ? example.question : "";
  if (!example) return;
  setText(editor, example.text);
  updateShareLink(example.text);
  if (example.requires) {
    ui.question.textContent += ` (Runs only where the endpoint allows federation: ${example.requires}.)`;
  }
}

ui.form.addEventListener("submit", (event) => {
  event.preventDefault();
  run();
});
ui.picker?.addEventListener("change", () => loadExample(ui.picker.value));
$("example-form")?.addEventListener("submit", (event) => {
  event.preventDefault();
  loadExample(ui.picker.value);
});
ui.showTable.addEventListener("click", () => setView(false));
ui.showChart.addEventListener("click", () => setView(true));
window.addEventListener("popstate", () => {
  const query = new URLSearchParams(location.search).get("query");
  if (query) {
    setText(editor, query);
    run({ pushHistory: false });
  }
});

if (config.autorun) run({ pushHistory: false });
