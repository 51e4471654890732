// A hand-written SVG bar chart for aggregate results: one label column and one numeric column.

import { compact } from "./results.js";

const SVG = "http://www.w3.org/2000/svg";
const NUMERIC = /#(?:integer|decimal|double|float|int|long|short|byte|nonNegativeInteger|positiveInteger|unsignedInt|unsignedLong)$/;
export const MAX_BARS = 60;

function isNumeric(term) {
  return Boolean(term) && term.type !== "uri" && term.type !== "bnode" &&
    (NUMERIC.test(term.datatype || "") || (term.datatype === undefined && /^-?\d+(\.\d+)?$/.test(term.value)));
}

function labelScore(name, rows) {
  const terms = rows.map((row) => row[name]).filter(Boolean);
  if (terms.length === 0) return -1;
  const literals = terms.filter((term) => term.type === "literal" || term.type === "typed-literal");
  return literals.length === terms.length ? 2 : 1; // prefer names over IRIs
}

/**
 * The columns to chart: {label, value} variable names, or null when the result is not an
 * aggregate (no column whose every value is a number, or no other column to label bars with).
 */
export function chartColumns(vars, rows) {
  if (rows.length < 1) return null;
  const numeric = vars.filter((name) => rows.every((row) => isNumeric(row[name])));
  if (numeric.length === 0) return null;
  const value = numeric[numeric.length - 1];
  const candidates = vars.filter((name) => name !== value && !numeric.includes(name));
  let label = null;
  let best = 0;
  for (const name of candidates) {
    const score = labelScore(name, rows);
    if (score > best) [label, best] = [name, score];
  }
  return label === null ? null : { label, value };
}

function svgNode(tag, attributes = {}, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

function truncate(text, length) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/** A horizontal bar chart (SVG element) of the first MAX_BARS rows. */
export function barChart(rows, columns, prefixes) {
  const data = rows.slice(0, MAX_BARS).map((row) => {
    const term = row[columns.label];
    const name = !term ? "(none)" : term.type === "uri" ? compact(term.value, prefixes) : term.value;
    return { name, value: Number(row[columns.value].value) };
  });
  const max = Math.max(...data.map((d) => d.value), 0) || 1;
  const [labelWidth, barArea, rowHeight, top] = [240, 460, 24, 8];
  const width = labelWidth + barArea + 60;
  const height = top * 2 + data.length * rowHeight;
  const title = `Bar chart of ?${columns.value} by ?${columns.label}`;
  const svg = svgNode("svg", {
    viewBox: `0 0 ${width} ${height}`, width, height, role: "img",
    "aria-labelledby": "chart-title", class: "bar-chart",
  });
  svg.append(svgNode("title", { id: "chart-title" }, `${title} (${data.length} bars)`));
  data.forEach((d, i) => {
    const y = top + i * rowHeight;
    const length = Math.max((Math.max(d.value, 0) / max) * barArea, d.value > 0 ? 1 : 0);
    const group = svgNode("g", { class: "bar" });
    group.append(
      svgNode("title", {}, `${d.name}: ${d.value}`),
      svgNode("text", { x: labelWidth - 8, y: y + rowHeight / 2, "text-anchor": "end",
        "dominant-baseline": "middle", class: "bar-label" }, truncate(d.name, 34)),
      svgNode("rect", { x: labelWidth, y: y + 3, width: length, height: rowHeight - 6, rx: 2 }),
      svgNode("text", { x: labelWidth + length + 6, y: y + rowHeight / 2,
        "dominant-baseline": "middle", class: "bar-value" }, String(d.value)),
    );
    svg.append(group);
  });
  return svg;
}
