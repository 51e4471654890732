// The SPARQL editor: CodeMirror 6 with the SPARQL mode of @codemirror/legacy-modes, completion of
// the KG's prefixes (adding the PREFIX line) and of keywords, and Ctrl+Enter to run.

import { EditorView, basicSetup } from "codemirror";
import { Prec } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { StreamLanguage } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { contextAt, declarationChanges, prefixNameBefore } from "./prefixes.js";

const sparqlLanguage = StreamLanguage.define(sparql);

const KEYWORDS = [
  "SELECT", "DISTINCT", "WHERE", "OPTIONAL", "FILTER", "FILTER NOT EXISTS", "MINUS", "UNION",
  "GRAPH", "SERVICE", "BIND", "VALUES", "GROUP BY", "HAVING", "ORDER BY", "LIMIT", "OFFSET",
  "CONSTRUCT", "DESCRIBE", "ASK", "COUNT", "GROUP_CONCAT", "SAMPLE", "STR", "LANG", "REGEX",
  "CONTAINS", "LCASE", "UCASE", "COALESCE", "IF", "BOUND", "ISIRI", "DESC", "ASC", "PREFIX",
];

/** Insert `name:` at from..to and declare the prefix if the query does not yet. */
function insertPrefixed(view, name, prefixes, from, to) {
  const declare = declarationChanges(view.state.doc.toString(), name, prefixes);
  const typed = { from, to, insert: `${name}:` };
  const changes = view.state.changes([...declare, typed]);
  view.dispatch({
    changes,
    selection: { anchor: changes.mapPos(to, 1) },
    userEvent: "input.complete",
    scrollIntoView: true,
  });
}

/** Completion of prefix names (in code) and keywords. */
function completionSource(prefixes) {
  const prefixOptions = Object.entries(prefixes).map(([name, iri]) => ({
    label: `${name}:`,
    detail: iri,
    type: "namespace",
    boost: 1,
    apply: (view, _completion, from, to) => insertPrefixed(view, name, prefixes, from, to),
  }));
  const keywordOptions = KEYWORDS.map((word) => ({ label: word, type: "keyword" }));
  return (context) => {
    const word = context.matchBefore(/[A-Za-z][\w.-]*/);
    if (!word && !context.explicit) return null;
    const text = context.state.doc.toString();
    if (contextAt(text, context.pos) !== "code") return null;
    const line = context.state.doc.lineAt(context.pos);
    const start = word ? word.from : context.pos;
    const inDeclaration = /^\s*PREFIX\s+$/i.test(line.text.slice(0, start - line.from));
    const declarations = Object.entries(prefixes).map(([name, iri]) => ({
      label: `${name}: <${iri}>`, type: "namespace",
    }));
    return {
      from: start,
      options: inDeclaration ? declarations : [...prefixOptions, ...keywordOptions],
      validFor: /^[\w.-]*$/,
    };
  };
}

/** Typing ":" after a known, undeclared prefix name adds its PREFIX line. */
function declareOnColon(prefixes) {
  return EditorView.inputHandler.of((view, from, to, text) => {
    if (text !== ":" || view.composing) return false;
    const doc = view.state.doc.toString();
    const name = prefixNameBefore(doc, from);
    if (name === null || !(name in prefixes) || contextAt(doc, from) !== "code") return false;
    if (declarationChanges(doc, name, prefixes).length === 0) return false;
    insertPrefixed(view, name, prefixes, from - name.length, to);
    return true;
  });
}

/**
 * Replace `textarea` by an editor holding its text. `onRun` is called on Ctrl/Cmd+Enter;
 * `labelId` names the editor for assistive technology; `styleNonce` is the page's CSP nonce for
 * the one <style> element CodeMirror writes. Returns the EditorView.
 */
export function createEditor(textarea, { prefixes, onRun, labelId, describedBy, styleNonce }) {
  const run = () => {
    onRun();
    return true;
  };
  const view = new EditorView({
    doc: textarea.value,
    extensions: [
      ...(styleNonce ? [EditorView.cspNonce.of(styleNonce)] : []),
      basicSetup,
      sparqlLanguage,
      sparqlLanguage.data.of({ autocomplete: completionSource(prefixes) }),
      declareOnColon(prefixes),
      Prec.highest(keymap.of([{ key: "Mod-Enter", run }, { key: "Ctrl-Enter", run }])),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({
        "aria-labelledby": labelId,
        "aria-describedby": describedBy,
        "data-testid": "sparql-editor",
      }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) textarea.value = update.state.doc.toString();
      }),
    ],
  });
  textarea.after(view.dom);
  textarea.hidden = true;
  return view;
}

/** Replace the whole text of the editor. */
export function setText(view, text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

/** Put the cursor at 1-based `line`:`column` (as in parser messages) and focus the editor. */
export function focusAt(view, line, column) {
  const doc = view.state.doc;
  const target = doc.line(Math.min(Math.max(line, 1), doc.lines));
  const pos = Math.min(target.from + Math.max(column - 1, 0), target.to);
  view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
  view.focus();
}
