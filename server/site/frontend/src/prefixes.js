// PREFIX bookkeeping for the editor: which prefixes a query declares, where a new PREFIX line
// goes, and whether a position is in code (not inside a string, comment or IRI).

const DECLARATION = /^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<[^>]*>/gim;
const PROLOGUE_LINE = /^\s*(?:PREFIX|BASE)\b/i;
const COMMENT_OR_BLANK = /^\s*(?:#.*)?$/;

/** The prefix names a query declares (the empty prefix as ""). */
export function declaredPrefixes(text) {
  const names = new Set();
  for (const match of text.matchAll(DECLARATION)) names.add(match[1] ?? "");
  return names;
}

/** The `PREFIX name: <iri>` line for a known prefix. */
export function prefixLine(name, iri) {
  return `PREFIX ${name}: <${iri}>\n`;
}

/**
 * Where a new PREFIX line goes: after the last PREFIX/BASE line of the prologue, else before the
 * first line that is neither blank nor a comment (so a leading comment block stays on top).
 */
export function prefixInsertPosition(text) {
  let offset = 0;
  let afterPrologue = null;
  let firstCode = null;
  for (const line of text.split("\n")) {
    const next = offset + line.length + 1;
    if (PROLOGUE_LINE.test(line)) {
      afterPrologue = Math.min(next, text.length);
    } else if (!COMMENT_OR_BLANK.test(line)) {
      if (firstCode === null) firstCode = offset;
      break;
    }
    offset = next;
  }
  return afterPrologue ?? firstCode ?? 0;
}

/**
 * The changes that declare `name` (if the text does not declare it yet), as CodeMirror change
 * specs; an empty list when nothing is to be added.
 */
export function declarationChanges(text, name, prefixes) {
  if (!(name in prefixes) || declaredPrefixes(text).has(name)) return [];
  let insert = prefixLine(name, prefixes[name]);
  const from = prefixInsertPosition(text);
  // a prologue-less query that starts right away: keep a blank line between the two
  if (from > 0 && text[from - 1] !== "\n") insert = "\n" + insert;
  return [{ from, insert }];
}

/**
 * What surrounds position `pos` of `text`: "code", "string", "comment" or "iri".
 * A small scanner of SPARQL's lexical rules (enough for deciding whether to complete).
 */
export function contextAt(text, pos) {
  let i = 0;
  while (i < pos) {
    const ch = text[i];
    if (ch === "#") {
      const end = text.indexOf("\n", i);
      if (end === -1 || end >= pos) return "comment";
      i = end + 1;
    } else if (ch === "<" && /[^\s=]/.test(text[i + 1] ?? " ")) {
      const match = /^<[^\s>]*>?/.exec(text.slice(i));
      const end = i + match[0].length;
      if (end > pos || (end === pos && !match[0].endsWith(">"))) return "iri";
      i = end;
    } else if (ch === '"' || ch === "'") {
      const long = text.startsWith(ch.repeat(3), i);
      const quote = long ? ch.repeat(3) : ch;
      let j = i + quote.length;
      while (j < text.length && !text.startsWith(quote, j) && (long || text[j] !== "\n")) {
        j += text[j] === "\\" ? 2 : 1;
      }
      if (j >= pos) return "string";
      i = j + quote.length;
    } else {
      i += 1;
    }
  }
  return "code";
}

/** The prefix name just before `pos` when it could start a prefixed name, else null. */
export function prefixNameBefore(text, pos) {
  const match = /(^|[\s({[,;.!^/|=])([A-Za-z][\w.-]*)$/.exec(text.slice(Math.max(0, pos - 80), pos));
  if (!match) return null;
  const lineStart = text.lastIndexOf("\n", pos - 1) + 1;
  const before = text.slice(lineStart, pos - match[2].length);
  if (/\bPREFIX\s*$/i.test(before)) return null; // the user is writing a declaration
  return match[2];
}
