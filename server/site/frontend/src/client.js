// Talking to the SPARQL endpoint (SPARQL 1.1 Protocol, POST with a form body) and turning its
// answers and errors into something the page can show.

import { parseNTriples } from "./graph.js";

/** What the page asks for when showing a result: JSON results, else N-Triples for graphs. */
export const DISPLAY_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9";

/** Download formats: for SELECT/ASK results and for CONSTRUCT/DESCRIBE graphs. */
export const DOWNLOADS = {
  table: [
    { name: "CSV", accept: "text/csv", extension: "csv" },
    { name: "TSV", accept: "text/tab-separated-values", extension: "tsv" },
    { name: "JSON", accept: "application/sparql-results+json", extension: "json" },
  ],
  graph: [
    { name: "Turtle", accept: "text/turtle", extension: "ttl" },
    { name: "N-Triples", accept: "application/n-triples", extension: "nt" },
    { name: "JSON-LD", accept: "application/ld+json", extension: "jsonld" },
  ],
};

/** An answer of the endpoint other than 2xx, or no answer at all (status 0). */
export class QueryError extends Error {
  constructor(status, message) {
    super(message);
    this.name = "QueryError";
    this.status = status;
  }
}

async function errorMessage(response) {
  const body = await response.text();
  try {
    return JSON.parse(body).error.message;
  } catch {
    return body.trim() || response.statusText;
  }
}

/** POST `query` to `endpoint` asking for `accept`; throws QueryError unless 2xx. */
export async function post(endpoint, query, accept, signal) {
  let response;
  try {
    response = await fetch(endpoint, {
      method: "POST",
      headers: { Accept: accept, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query }),
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new QueryError(0, `The endpoint could not be reached (${error.message}).`);
  }
  if (!response.ok) throw new QueryError(response.status, await errorMessage(response));
  return response;
}

/**
 * Run a query for display. Resolves to {kind: "bindings", vars, rows}, {kind: "boolean", value}
 * or {kind: "graph", triples}.
 */
export async function runQuery(endpoint, query, signal) {
  const response = await post(endpoint, query, DISPLAY_ACCEPT, signal);
  const type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
  if (type === "application/n-triples") {
    return { kind: "graph", triples: parseNTriples(await response.text()) };
  }
  const data = await response.json();
  if ("boolean" in data) return { kind: "boolean", value: data.boolean };
  return { kind: "bindings", vars: data.head.vars, rows: data.results.bindings };
}

/** Fetch the result in `format` and hand it to the browser as a file download. */
export async function download(endpoint, query, format) {
  const response = await post(endpoint, query, format.accept);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = `dlbio-results.${format.extension}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The 1-based line and column a parser message points at, if any. */
export function errorPosition(message) {
  const match = /\bat (?:line )?(\d+):(\d+)\b/.exec(message) || /line (\d+),? column (\d+)/i.exec(message);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : null;
}

/** The line `position` points at and a caret under its column, as two lines of text. */
export function errorContext(query, position) {
  const line = query.split("\n")[position.line - 1];
  if (line === undefined) return null;
  const gutter = `${position.line} | `;
  const caret = " ".repeat(gutter.length - 2) + "| " + " ".repeat(Math.max(position.column - 1, 0)) + "^";
  return `${gutter}${line}\n${caret}`;
}

/** The prefixes a query declares ({name: namespace}), to write its results' IRIs the same way. */
export function queryPrefixes(query) {
  const found = {};
  for (const match of query.matchAll(/^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>/gim)) {
    found[match[1] ?? ""] = match[2];
  }
  return found;
}
