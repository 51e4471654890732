"""Readable SPARQL syntax errors, for the endpoint's 400 answer and for ``dlbio query``.

The parser's message keeps its line and column; ``explain`` adds what went wrong in words: an
undeclared prefix (named, with the prefixes we know), an unknown word where a keyword belongs (at
the word, with the keywords expected there) or an unclosed brace or parenthesis.

>>> explain("SELECT * { ?s foo:p ?o }", "error at 1:20: expected one of Prefix not found, ['%']")[:52]
'error at 1:20: undeclared prefix foo: (in foo:p). De'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence

from kg.namespaces import PREFIXES

#: A numeric escape inside an IRI.
UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
#: An IRI reference (possessive: no backtracking on long input).
IRIREF = re.compile(rf"<(?:[^<>\"{{}}|^`\\\x00-\x20]++|{UCHAR})*+>")
#: A string literal of any of the four quote styles.
STRING = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\'',
    re.DOTALL,
)
#: A comment, up to the end of its line.
COMMENT = re.compile(r"#[^\n\r]*")
#: Strings, comments and IRIs: the lexemes inside which braces and words mean nothing.
LEXEMES = re.compile(
    rf"(?P<string>{STRING.pattern})|(?P<comment>{COMMENT.pattern})|(?P<iri>{IRIREF.pattern})",
    re.DOTALL,
)

POSITION = re.compile(r"^error at (\d+):(\d+): ")
PNAME = re.compile(r"(?<![\w?$.\-:%\\])([^\W\d_][\w.\-]*)?:((?:[\w.\-:%]|\\.)*)")
PREFIX_DECL = re.compile(r"prefix\s*([^\W\d_][\w.\-]*)?:", re.IGNORECASE)
WORD = re.compile(r"(?<![\w?$@.\-:%\\/])[A-Za-z][A-Za-z_0-9]*(?![\w.\-]*:)")
CHAR_CLASS = re.compile(r"\[(?:'(?:\\.|[^'\\])*'|[^\]'])*\]")

START = ("BASE", "PREFIX", "SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
PROJECTION = ("DISTINCT", "REDUCED", "AS", "FROM", "NAMED", "WHERE")
PATTERN = ("OPTIONAL", "FILTER", "BIND", "VALUES", "MINUS", "GRAPH", "SERVICE", "UNION", "SELECT")
MODIFIERS = ("GROUP", "BY", "HAVING", "ORDER", "ASC", "DESC", "LIMIT", "OFFSET", "VALUES")
# fmt: off
FUNCTIONS = (
    "COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT", "SEPARATOR", "STR", "LANG",
    "LANGMATCHES", "DATATYPE", "BOUND", "IRI", "URI", "BNODE", "RAND", "ABS", "CEIL", "FLOOR",
    "ROUND", "CONCAT", "STRLEN", "UCASE", "LCASE", "ENCODE_FOR_URI", "CONTAINS", "STRSTARTS",
    "STRENDS", "STRBEFORE", "STRAFTER", "YEAR", "MONTH", "DAY", "HOURS", "MINUTES", "SECONDS",
    "TIMEZONE", "TZ", "NOW", "UUID", "STRUUID", "MD5", "SHA1", "SHA256", "SHA384", "SHA512",
    "COALESCE", "IF", "STRLANG", "STRDT", "sameTerm", "isIRI", "isURI", "isBLANK", "isLITERAL",
    "isNUMERIC", "REGEX", "SUBSTR", "REPLACE", "EXISTS", "NOT", "IN", "AS", "DISTINCT",
)
#: Words the parser knows besides the above (SPARQL Update, SPARQL 1.2, oxigraph extensions).
OTHER_WORDS = (
    "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "INSERT", "DELETE", "DATA",
    "WITH", "USING", "DEFAULT", "ALL", "INTO", "TO", "SILENT", "LATERAL", "TRIPLE", "SUBJECT",
    "PREDICATE", "OBJECT", "isTRIPLE", "LANGDIR", "STRLANGDIR", "hasLANG", "hasLANGDIR",
    "ADJUST", "VERSION", "UNDEF", "a", "true", "false",
)
# fmt: on
KNOWN_WORDS = frozenset(
    w.upper() for w in (*START, *PROJECTION, *PATTERN, *MODIFIERS, *FUNCTIONS, *OTHER_WORDS)
)
OPENERS = {"{": "}", "(": ")"}
MAX_SHOWN = 6  # functions shown for an unknown word inside an expression


def explain(query: str, message: str, predeclared: Mapping[str, str] | None = None) -> str:
    """The parser's ``message`` (``error at L:C: …``) about ``query``, made readable.

    ``predeclared``: prefixes the caller declares for the query (``dlbio query`` declares
    ``kg.namespaces.PREFIXES``; the endpoint none).
    """
    match = POSITION.match(message)
    if match is None:
        return tidy(message)
    line, column = int(match.group(1)), int(match.group(2))
    code = blank(query)
    offset = to_offset(query, line, column)
    declared = {**(predeclared or {}), **{m.group(1) or "": "" for m in PREFIX_DECL.finditer(code)}}
    if "Prefix not found" in message:
        readable = _undeclared_prefix(code, offset, declared, predeclared or {})
        if readable is not None:
            return f"error at {line}:{column}: {readable}"
    word = None if _unterminated(query, code) else _unknown_word(query, code, offset)
    if word is not None:  # the word's own position first: the parser stops further on
        return f"{word} (the parser stopped at {line}:{column})"
    readable = _unterminated(query, code) or _unbalanced(query, code)
    return tidy(message) if readable is None else f"error at {line}:{column}: {readable}"


def blank(query: str) -> str:
    """``query`` with strings, comments and IRIs replaced by spaces (same length)."""
    return LEXEMES.sub(lambda m: " " * (m.end() - m.start()), query)


def to_offset(text: str, line: int, column: int) -> int:
    """The character offset of a 1-based ``line`` and ``column`` in ``text``."""
    start = 0
    for _ in range(line - 1):
        newline = text.find("\n", start)
        if newline < 0:
            return len(text)
        start = newline + 1
    return min(start + column - 1, len(text))


def position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _undeclared_prefix(
    code: str, offset: int, declared: Mapping[str, str], predeclared: Mapping[str, str]
) -> str | None:
    """Name the undeclared prefix (the one of the name ending at ``offset``, else the first)."""
    names = [m for m in PNAME.finditer(code) if not _declaring(code, m.start())]
    undeclared = [m for m in names if (m.group(1) or "") not in declared]
    if not undeclared:
        return None
    name = next((m for m in undeclared if m.end() == offset), undeclared[0])
    prefix = name.group(1) or ""
    text = f"undeclared prefix {prefix}: (in {name.group()})."
    if prefix in PREFIXES and prefix not in predeclared:
        return f"{text} Declare it: PREFIX {prefix}: <{PREFIXES[prefix]}>"
    known = sorted(predeclared) if predeclared else sorted(PREFIXES)
    close = difflib.get_close_matches(prefix, known, n=1)
    hint = f" Did you mean {close[0]}:?" if close else ""
    if predeclared:
        return (
            f"{text}{hint} Declare it with PREFIX {prefix}: <…>, or use a prefix declared "
            f"for you: {', '.join(known)}"
        )
    return (
        f"{text}{hint} Declare it with PREFIX {prefix}: <…>. Prefixes this KG uses (declare "
        f"them the same way): {', '.join(known)}"
    )


def _declaring(code: str, start: int) -> bool:
    """Whether the prefixed name at ``start`` is the one a ``PREFIX`` declaration declares."""
    return re.search(r"(?<![\w:?$])prefix\s*$", code[max(0, start - 32) : start], re.I) is not None


def _unknown_word(query: str, code: str, offset: int) -> str | None:
    """A bare word the parser cannot know, at or before where it stopped, with what fits there."""
    for match in WORD.finditer(code):
        if match.start() > offset:
            return None
        word = match.group()
        if word.upper() in KNOWN_WORDS:
            continue
        expected = _expected(code, match.start())
        line, column = position(query, match.start())
        by_upper = {w.upper(): w for w in expected}
        close = difflib.get_close_matches(word.upper(), by_upper, n=1)
        hint = (
            f" Did you mean {by_upper[close[0]]}?"
            if close
            else f" A variable is written ?{word}, a prefixed name prefix:{word}."
        )
        if expected is FUNCTIONS:  # the nearest few
            nearest = difflib.get_close_matches(word.upper(), by_upper, n=MAX_SHOWN, cutoff=0)
            shown = f"a function or operator such as {_one_of([by_upper[w] for w in nearest])}"
        else:
            shown = _one_of(expected)
        return f"error at {line}:{column}: unknown word {word!r}; expected here: {shown}.{hint}"
    return None


def _expected(code: str, start: int) -> Sequence[str]:
    """The keywords that can stand where the word at ``start`` stands (by its context)."""
    before = code[:start]
    if not re.search(r"(?i)(?<![\w:?$])(select|construct|describe|ask)(?![\w:])", before):
        return START
    depths = {opener: 0 for opener in OPENERS}
    closed_group = False
    for char in before:
        if char in OPENERS:
            depths[char] += 1
        elif char == "}":
            depths["{"] -= 1
            closed_group = closed_group or depths["{"] == 0
        elif char == ")":
            depths["("] -= 1
    if depths["("] > 0:
        return FUNCTIONS
    if depths["{"] > 0:
        return PATTERN
    return MODIFIERS if closed_group else PROJECTION


def _one_of(words: Sequence[str]) -> str:
    shown = list(dict.fromkeys(words))
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"


def _unterminated(query: str, code: str) -> str | None:
    """A quote left over once the strings are blanked opens a string that never ends."""
    quote = re.search(r"[\"']", code)
    if quote is None:
        return None
    line, column = position(query, quote.start())
    return f"unterminated string: the {quote.group()} at {line}:{column} is never closed"


def _unbalanced(query: str, code: str) -> str | None:
    """An opening brace or parenthesis never closed, or a closing one that closes nothing."""
    stack: list[tuple[str, int]] = []
    for index, char in enumerate(code):
        if char in OPENERS:
            stack.append((char, index))
        elif char in ("}", ")"):
            if not stack:
                line, column = position(query, index)
                return f"the {char!r} at {line}:{column} closes nothing that is open"
            if OPENERS[stack[-1][0]] != char:
                line, column = position(query, index)
                return _unclosed(query, *stack[-1], f" before the {char!r} at {line}:{column}")
            stack.pop()
    if not stack:
        return None
    return _unclosed(query, *stack[-1], "")


def _unclosed(query: str, opener: str, index: int, where: str) -> str:
    line, column = position(query, index)
    kind = "brace" if opener == "{" else "parenthesis"
    return (
        f"unclosed {kind}: the {opener!r} opened at {line}:{column} is never closed "
        f"(add {OPENERS[opener]!r}{where})"
    )


def tidy(message: str) -> str:
    """The parser's message with its character-range lists named in words."""

    def name(match: re.Match[str]) -> str:
        text = match.group()
        if "'A'" in text or "'a'" in text:
            return "a letter"
        if "'0'" in text:
            return "a digit"
        return "another character"

    tidied = CHAR_CLASS.sub(name, message)
    if tidied.startswith("error at") and "expected one of" in tidied:
        head, _, items = tidied.partition("expected one of ")
        tidied = head + "expected one of " + ", ".join(dict.fromkeys(items.split(", ")))
    return tidied
