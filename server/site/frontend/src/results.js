// Rendering SPARQL JSON results as an accessible table: IRIs compacted with the KG's prefixes and
// linked (to our own entity pages when the app serves them), literals with language or datatype.

export const MAX_ROWS = 1000;
const XSD = "http://www.w3.org/2001/XMLSchema#";

/** Shorten an IRI to prefix:local with the longest matching namespace (the last one named wins a
 * tie, so a query's own prefixes come before the KG's), else return it. */
export function compact(iri, prefixes) {
  let best = null;
  for (const [name, namespace] of Object.entries(prefixes)) {
    if (iri.startsWith(namespace) && (best === null || namespace.length >= prefixes[best].length)) {
      best = name;
    }
  }
  if (best === null) return iri;
  const local = iri.slice(prefixes[best].length);
  return /^[\w.-]*$/.test(local) ? `${best}:${local}` : iri;
}

/**
 * Where a link to `iri` goes: our page for IRIs in one of `localNamespaces` ([namespace, path]
 * pairs), the IRI itself for other http(s) IRIs, else null.
 */
export function linkFor(iri, localNamespaces) {
  for (const [namespace, path] of localNamespaces) {
    if (iri.startsWith(namespace) && iri.length > namespace.length) {
      return { href: path + iri.slice(namespace.length), external: false };
    }
  }
  return /^https?:\/\//.test(iri) ? { href: iri, external: true } : null;
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

function iriCell(value, options) {
  const text = compact(value, options.prefixes);
  const link = linkFor(value, options.localNamespaces);
  if (!link) return element("span", { class: "iri", title: value }, text);
  const attributes = { href: link.href, title: value, class: "iri" };
  if (link.external) attributes.rel = "external";
  return element("a", attributes, text);
}

function literalCell(term, options) {
  const parts = [element("span", { class: "literal" }, term.value)];
  if (term["xml:lang"]) parts.push(" ", element("small", { class: "lang" }, `@${term["xml:lang"]}`));
  else if (term.datatype && !term.datatype.startsWith(XSD)) {
    parts.push(" ", element("small", { class: "datatype" }, compact(term.datatype, options.prefixes)));
  }
  return parts;
}

/** The content of one table cell for an RDF term of the JSON results format. */
export function termNode(term, options) {
  if (!term) return [];
  if (term.type === "uri") return [iriCell(term.value, options)];
  if (term.type === "bnode") return [element("code", { class: "bnode" }, `_:${term.value}`)];
  return literalCell(term, options);
}

/** A table of `rows` (at most MAX_ROWS) under the `vars` headings. */
export function resultTable(vars, rows, options) {
  const head = element("tr", {}, ...vars.map((name) => element("th", { scope: "col" }, `?${name}`)));
  const body = rows.slice(0, MAX_ROWS).map((row) => {
    const cells = vars.map((name) => element("td", {}, ...termNode(row[name], options)));
    return element("tr", {}, ...cells);
  });
  const caption = element("caption", { class: "visually-hidden" }, `Query results: ${rows.length} rows`);
  return element("table", { class: "results" }, caption, element("thead", {}, head),
    element("tbody", {}, ...body));
}

/** A graph result (CONSTRUCT/DESCRIBE) as Turtle text. */
export function turtleBlock(text) {
  return element("pre", { class: "turtle", tabindex: "0", "aria-label": "Result graph in Turtle" },
    element("code", {}, text || "# (empty graph)"));
}

/** A table of graph `triples` (at most MAX_ROWS): subject, predicate, object. */
export function tripleTable(triples, options) {
  const head = element("tr", {}, ...["Subject", "Predicate", "Object"].map((name) =>
    element("th", { scope: "col" }, name)));
  const body = triples.slice(0, MAX_ROWS).map((triple) =>
    element("tr", {}, ...triple.map((t) => element("td", {}, ...termNode(t, options)))));
  const caption = element("caption", { class: "visually-hidden" }, `Result graph: ${triples.length} triples`);
  return element("table", { class: "results" }, caption, element("thead", {}, head),
    element("tbody", {}, ...body));
}
