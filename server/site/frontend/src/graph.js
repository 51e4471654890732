// Graph results (CONSTRUCT/DESCRIBE): N-Triples parsed into terms shaped like SPARQL JSON
// results, shown as a triple table, as Turtle with the KG's prefixes, and as a node-link picture.

import { compact, linkFor } from "./results.js";

const SVG = "http://www.w3.org/2000/svg";
export const MAX_NODES = 80;
const TERM = /\s*(<[^>]*>|_:[^\s.]+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?)/y;

function unescape(text) {
  return text.replace(/\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})|\\(.)/g, (_, u4, u8, c) => {
    if (u4 || u8) return String.fromCodePoint(parseInt(u4 || u8, 16));
    return { t: "\t", n: "\n", r: "\r", b: "\b", f: "\f" }[c] ?? c;
  });
}

function term(token) {
  if (token.startsWith("<")) return { type: "uri", value: unescape(token.slice(1, -1)) };
  if (token.startsWith("_:")) return { type: "bnode", value: token.slice(2) };
  const match = /^"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?$/.exec(token);
  const literal = { type: "literal", value: unescape(match[1]) };
  if (match[2]) literal["xml:lang"] = match[2];
  if (match[3]) literal.datatype = match[3];
  return literal;
}

/** The triples of an N-Triples document, as [subject, predicate, object] terms. */
export function parseNTriples(text) {
  const triples = [];
  for (const line of text.split("\n")) {
    if (!line.trim() || line.trimStart().startsWith("#")) continue;
    TERM.lastIndex = 0;
    const parts = [];
    for (let i = 0; i < 3; i += 1) {
      const match = TERM.exec(line);
      if (!match) break;
      parts.push(term(match[1]));
    }
    if (parts.length === 3) triples.push(parts);
  }
  return triples;
}

function turtleTerm(t, prefixes) {
  if (t.type === "uri") {
    const short = compact(t.value, prefixes);
    return short === t.value ? `<${t.value}>` : short;
  }
  if (t.type === "bnode") return `_:${t.value}`;
  const text = JSON.stringify(t.value);
  if (t["xml:lang"]) return `${text}@${t["xml:lang"]}`;
  return t.datatype ? `${text}^^${turtleTerm({ type: "uri", value: t.datatype }, prefixes)}` : text;
}

/** Turtle text of `triples`, grouped by subject and predicate, with the prefixes it uses. */
export function toTurtle(triples, prefixes) {
  const used = new Set();
  const bySubject = new Map();
  for (const [s, p, o] of triples) {
    const key = turtleTerm(s, prefixes);
    if (!bySubject.has(key)) bySubject.set(key, new Map());
    const predicates = bySubject.get(key);
    const pk = p.value === "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" ? "a" : turtleTerm(p, prefixes);
    if (!predicates.has(pk)) predicates.set(pk, []);
    predicates.get(pk).push(turtleTerm(o, prefixes));
  }
  const body = [...bySubject].map(([s, predicates]) => {
    const lines = [...predicates].map(([p, objects]) => `    ${p} ${objects.join(" ,\n        ")}`);
    return `${s}\n${lines.join(" ;\n")} .`;
  }).join("\n\n");
  for (const name of Object.keys(prefixes)) if (body.includes(`${name}:`)) used.add(name);
  const head = [...used].sort().map((name) => `@prefix ${name}: <${prefixes[name]}> .`).join("\n");
  return (head ? `${head}\n\n` : "") + body;
}

function svgNode(tag, attributes = {}, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

/** Deterministic spring layout of `count` nodes joined by `links` ([a, b] index pairs). */
export function layout(count, links, width, height) {
  const pos = Array.from({ length: count }, (_, i) => {
    const angle = (2 * Math.PI * i) / Math.max(count, 1);
    return [width / 2 + (width / 3) * Math.cos(angle), height / 2 + (height / 3) * Math.sin(angle)];
  });
  const ideal = Math.sqrt((width * height) / Math.max(count, 1)) * 0.7;
  for (let step = 0; step < 250; step += 1) {
    const move = pos.map(() => [0, 0]);
    for (let a = 0; a < count; a += 1) {
      for (let b = a + 1; b < count; b += 1) {
        const dx = pos[a][0] - pos[b][0] || 0.01, dy = pos[a][1] - pos[b][1] || 0.01;
        const d2 = dx * dx + dy * dy, push = (ideal * ideal) / d2;
        move[a][0] += dx * push * 0.05; move[a][1] += dy * push * 0.05;
        move[b][0] -= dx * push * 0.05; move[b][1] -= dy * push * 0.05;
      }
    }
    for (const [a, b] of links) {
      const dx = pos[b][0] - pos[a][0], dy = pos[b][1] - pos[a][1];
      const d = Math.sqrt(dx * dx + dy * dy) || 1, pull = (d - ideal) / d * 0.1;
      move[a][0] += dx * pull; move[a][1] += dy * pull;
      move[b][0] -= dx * pull; move[b][1] -= dy * pull;
    }
    const cool = 1 - step / 250;
    pos.forEach((p, i) => {
      const [mx, my] = move[i], m = Math.sqrt(mx * mx + my * my) || 1, limit = Math.min(m, 30 * cool);
      p[0] = Math.min(width - 60, Math.max(60, p[0] + (mx / m) * limit));
      p[1] = Math.min(height - 20, Math.max(20, p[1] + (my / m) * limit));
    });
  }
  return pos;
}

/** The resources of `triples` as nodes and their IRI/blank-node links as labelled edges. */
export function graphPicture(triples, options, width = 760, height = 520) {
  const index = new Map();
  const nodes = [];
  const key = (t) => `${t.type}:${t.value}`;
  const add = (t) => {
    if (!index.has(key(t)) && nodes.length < MAX_NODES) {
      index.set(key(t), nodes.length);
      nodes.push({ term: t, literals: [] });
    }
    return index.get(key(t));
  };
  const edges = [];
  for (const [s, p, o] of triples) {
    const a = add(s);
    if (a === undefined) continue;
    const name = compact(p.value, options.prefixes);
    if (o.type === "literal") nodes[a].literals.push(`${name}: ${o.value}`);
    else {
      const b = add(o);
      if (b !== undefined && b !== a) edges.push([a, b, name]);
    }
  }
  const pos = layout(nodes.length, edges, width, height);
  const svg = svgNode("svg", { class: "rdf-graph", viewBox: `0 0 ${width} ${height}`, width, height,
    role: "group", "aria-label": `Result graph: ${nodes.length} resources, ${edges.length} links` });
  const defs = svgNode("defs");
  const marker = svgNode("marker", { id: "rdf-arrow", viewBox: "0 0 8 8", refX: 16, refY: 4,
    markerWidth: 7, markerHeight: 7, orient: "auto" });
  marker.append(svgNode("path", { d: "M0 0L8 4L0 8z", class: "arrow" }));
  defs.append(marker);
  svg.append(defs);
  const labelled = edges.length <= 15; // more labels than that overlap: the names go to tooltips
  for (const [a, b, name] of edges) {
    const [x1, y1] = pos[a], [x2, y2] = pos[b];
    const group = svgNode("g", { class: "edge" });
    group.append(svgNode("title", {}, name),
      svgNode("line", { x1, y1, x2, y2, "marker-end": "url(#rdf-arrow)" }));
    if (labelled) {
      group.append(svgNode("text", { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 3, "text-anchor": "middle" }, name));
    }
    svg.append(group);
  }
  nodes.forEach(({ term: t, literals }, i) => {
    const [x, y] = pos[i];
    const label = t.type === "uri" ? compact(t.value, options.prefixes) : `_:${t.value}`;
    const link = t.type === "uri" ? linkFor(t.value, options.localNamespaces) : null;
    const holder = link ? svgNode("a", { href: link.href }) : svgNode("g", { tabindex: 0 });
    holder.setAttribute("class", "node");
    holder.append(svgNode("title", {}, [t.value, ...literals.slice(0, 12)].join("\n")),
      svgNode("circle", { cx: x, cy: y, r: 7 }),
      svgNode("text", { x, y: y + 19, "text-anchor": "middle" }, label.length > 32 ? `${label.slice(0, 31)}…` : label));
    svg.append(holder);
  });
  return svg;
}
