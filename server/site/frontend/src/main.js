// The query page: turns the plain form of /query into an editor with examples, runs queries on
// /sparql and shows the answer as a table, a chart, Turtle, or a clear error message.

import { createEditor, focusAt, setText } from "./editor.js";
import { DOWNLOADS, QueryError, download, errorContext, errorPosition, queryPrefixes, runQuery } from "./client.js";
import { MAX_ROWS, resultTable, tripleTable, turtleBlock } from "./results.js";
import { MAX_BARS, barChart, chartColumns } from "./chart.js";
import { MAX_NODES, graphPicture, toTurtle } from "./graph.js";
import { setDiagnostics } from "@codemirror/lint";

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
  graph: $("result-graph"),
  turtle: $("result-turtle"),
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

const VIEWS = ["table", "chart", "graph", "turtle"];
const viewButtons = Object.fromEntries(VIEWS.map((name) => [name, $(`show-${name}`)]));

/** Show one view of the result (table, chart, graph or Turtle) and press its button. */
function setView(shown) {
  for (const name of VIEWS) {
    ui[name].hidden = name !== shown;
    viewButtons[name].setAttribute("aria-pressed", String(name === shown));
  }
}

/** Offer the buttons of `names` only (none when there is one view). */
function offerViews(names) {
  for (const name of VIEWS) viewButtons[name].hidden = !names.includes(name);
  ui.views.hidden = names.length < 2;
}

function clearResults() {
  for (const node of [ui.error, ui.table, ui.chart, ui.graph, ui.turtle, ui.downloads]) node.replaceChildren();
  ui.tools.hidden = true;
  offerViews([]);
  setView("table");
  editor.dispatch(setDiagnostics(editor.state, []));
}

function resultOptions(query) {
  return { prefixes: { ...config.prefixes, ...queryPrefixes(query) }, localNamespaces: config.localNamespaces };
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function showBindings(result, elapsed, options) {
  const shown = result.rows.length > MAX_ROWS ? ` (the first ${MAX_ROWS} are shown; download for all)` : "";
  ui.status.textContent = `${plural(result.rows.length, "row")} in ${elapsed} ms${shown}.`;
  ui.table.append(resultTable(result.vars, result.rows, options));
  const columns = chartColumns(result.vars, result.rows);
  if (columns) {
    ui.chart.append(barChart(result.rows, columns, options.prefixes));
    if (result.rows.length > MAX_BARS) {
      const note = document.createElement("p");
      note.className = "note";
      note.textContent = `The chart shows the first ${MAX_BARS} rows.`;
      ui.chart.append(note);
    }
    offerViews(["table", "chart"]);
  }
}

function showGraph(result, elapsed, options) {
  const n = result.triples.length;
  const shown = n > MAX_ROWS ? ` (the table shows the first ${MAX_ROWS}; download for all)` : "";
  ui.status.textContent = `A graph of ${plural(n, "triple")} in ${elapsed} ms${shown}.`;
  ui.table.append(tripleTable(result.triples, options));
  ui.turtle.append(turtleBlock(toTurtle(result.triples, options.prefixes)));
  if (n > 0) {
    ui.graph.append(graphPicture(result.triples, options));
    const note = document.createElement("p");
    note.className = "note";
    note.textContent = `Resources are nodes (at most ${MAX_NODES}), links between them are arrows; ` +
      "a node's literal values are in its tooltip. Resources of the KG link to their pages.";
    ui.graph.append(note);
    offerViews(["graph", "table", "turtle"]);
    setView("graph");
  } else {
    offerViews(["table", "turtle"]);
    setView("turtle");
  }
}

function showResult(result, elapsed, options) {
  if (result.kind === "bindings") {
    showBindings(result, elapsed, options);
  } else if (result.kind === "boolean") {
    ui.status.textContent = `Answer: ${result.value ? "yes (true)" : "no (false)"}, in ${elapsed} ms.`;
  } else {
    showGraph(result, elapsed, options);
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

function showError(error, query = "") {
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
  const context = position && errorContext(query, position);
  if (context) {
    const where = document.createElement("pre");
    where.className = "error-context";
    where.setAttribute("aria-label", `Line ${position.line}, column ${position.column} of the query`);
    where.textContent = context;
    message.after(where);
    markError(position, error.message);
  }
  if (position) {
    const go = document.createElement("button");
    go.type = "button";
    go.textContent = `Go to line ${position.line}, column ${position.column}`;
    go.addEventListener("click", () => focusAt(editor, position.line, position.column));
    ui.error.append(go);
  }
}

/** Underline the error's place in the editor, with the endpoint's message on hover. */
function markError(position, text) {
  const doc = editor.state.doc;
  if (position.line > doc.lines) return;
  const line = doc.line(position.line);
  const from = Math.min(line.from + Math.max(position.column - 1, 0), line.to);
  const word = /^[^\s{}()]+/.exec(doc.sliceString(from, line.to));
  const to = Math.min(from + (word ? word[0].length : 1), doc.length);
  editor.dispatch(setDiagnostics(editor.state, [{ from, to: Math.max(to, from), severity: "error", message: text }]));
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
    showResult(result, Math.round(performance.now() - started), resultOptions(query));
  } catch (error) {
    if (error.name === "AbortError") return;
    showError(error instanceof QueryError ? error : new QueryError(0, String(error)), query);
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
for (const name of VIEWS) viewButtons[name].addEventListener("click", () => setView(name));
window.addEventListener("popstate", () => {
  const query = new URLSearchParams(location.search).get("query");
  if (query) {
    setText(editor, query);
    run({ pushHistory: false });
  }
});

if (config.autorun) run({ pushHistory: false });
