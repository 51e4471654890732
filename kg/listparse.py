"""Parser for markdown lists of the ``deeplearning-biology`` kind.

A list is headings (``#``/``##``/``###``, with or without ``<a name="…">`` anchors) and entries.
An entry starts with a bold title at the start of a line (optionally after a bullet), possibly
spanning lines and possibly prefixed by a ``(YYYY-MM)`` date, followed by its own links
``[[label](url)]`` on the title's last line or on lines that start with ``[[``. Text between the
links (``(one [[paper](…)] out of several)``) is kept as a note; the links inside it are still
the entry's. The paragraphs after that are the description; links inside them are not the entry's.

Nothing is dropped silently: an unclosed bold title or a malformed link becomes a
:class:`Problem` with its line number, and the entry is kept with what could be recovered.

>>> parsed = parse_list("# T\\n\\n## Genomics\\n\\n**DanQ** [[github](https://github.com/a/b)]\\n")
>>> [(e.title, e.section.anchor, [link.label for link in e.links]) for e in parsed.entries]
[('DanQ', 'genomics', ['github'])]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ANCHOR_RE = re.compile(r"""<a\s+(?:name|id)\s*=\s*["']([^"']+)["']\s*/?>\s*(?:</a>)?""", re.I)
_ENTRY_START_RE = re.compile(r"^\s*(?:[-+*]\s+|\d+\.\s+)?\*\*(?!\*)")
_LINK_RE = re.compile(r"\[\[([^\[\]]*)\]\(\s*(\S+?)\s*\)\]")
_LOOSE_LINK_RE = re.compile(r"\[\[([^\[\]]*)\]\s*\(?\s*(https?://[^\s\)\]]+)\)?\]?")
_SINGLE_LINK_RE = re.compile(r"(?<!\[)\[([^\[\]]+)\]\(\s*(\S+?)\s*\)")
_DATE_RE = re.compile(r"^\((\d{4}(?:-\d{2})?)\)\s*")
_LINK_DEBRIS = ("[[", "]]", "](")
#: Most lines a bold title may span.
MAX_TITLE_LINES = 4


@dataclass(frozen=True)
class Link:
    """One of an entry's own links, exactly as listed."""

    label: str
    url: str
    line: int


@dataclass(frozen=True)
class Section:
    """A heading of the list; ``path`` holds the headings from the top section down to it."""

    anchor: str
    heading: str
    level: int
    path: tuple[str, ...]
    parent: str | None
    line: int
    anchor_derived: bool = False

    @property
    def path_text(self) -> str:
        """The heading path joined by ``" > "`` as stored in ``listed_in.section_path``."""
        return " > ".join(self.path)


@dataclass
class Entry:
    """One listing of an entry: its title, date prefix, own links, section and position."""

    title: str
    date: str | None
    links: list[Link]
    section: Section
    position: int
    line: int
    note: str = ""
    description: str = ""


@dataclass(frozen=True)
class Problem:
    """A line the parser could not read as intended."""

    line: int
    message: str
    text: str


@dataclass
class ParsedList:
    """The parse result: document title, sections in order, entries in order, problems."""

    title: str | None
    sections: list[Section] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def slugify(text: str, sep: str = "-") -> str:
    """Lower-case ASCII slug of ``text`` (``"Drug discovery"`` → ``"drug-discovery"``)."""
    slug = re.sub(r"[^a-z0-9]+", sep, text.lower()).strip(sep)
    return slug if slug[:1].isalpha() else f"s{sep}{slug}".rstrip(sep)


def normalise_title(title: str) -> str:
    """Title key for matching: no date prefix, case-folded, only letters and digits kept."""
    text = _DATE_RE.sub("", title.strip()).casefold()
    return " ".join(re.findall(r"[^\W_]+", text))


def split_date(title: str) -> tuple[str | None, str]:
    """Split a ``(YYYY-MM)`` prefix off a title: ``(date or None, title)``."""
    m = _DATE_RE.match(title)
    return (m.group(1), title[m.end() :].strip()) if m else (None, title.strip())


class _Parser:
    """Line-oriented state machine behind :func:`parse_list`."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.out = ParsedList(title=None)
        self.stack: list[Section] = []
        self.top_level = _top_level(lines)
        self.root: Section | None = None
        self.counts: dict[str, int] = {}
        self.entry: Entry | None = None

    def run(self) -> ParsedList:
        """Parse every line."""
        i = 0
        while i < len(self.lines):
            i = self.step(i)
        return self.out

    def step(self, i: int) -> int:
        """Handle line index ``i``; return the index of the next line to handle."""
        line = self.lines[i]
        heading = _HEADING_RE.match(line)
        if heading:
            self.heading(len(heading.group(1)), heading.group(2), i + 1)
            return i + 1
        if _ENTRY_START_RE.match(line):
            return self.read_entry(i)
        if line.lstrip().startswith("[[") and not self.in_description(i):
            self.problem(i + 1, "links outside an entry (no bold title before them)", line)
        elif self.entry is not None and line.strip():
            joiner = "\n" if self.entry.description else ""
            self.entry.description += joiner + line.strip()
        return i + 1

    def in_description(self, i: int) -> bool:
        """True when line ``i`` continues a description paragraph (no blank line before it)."""
        return self.entry is not None and i > 0 and bool(self.lines[i - 1].strip())

    def problem(self, line: int, message: str, text: str) -> None:
        self.out.problems.append(Problem(line, message, text.strip()))

    def heading(self, level: int, raw: str, line: int) -> None:
        """Open a section (or note the document title)."""
        self.entry = None
        anchor_match = _ANCHOR_RE.search(raw)
        text = " ".join(_ANCHOR_RE.sub(" ", raw).split())
        if not text:
            self.problem(line, "heading without text", raw)
            return
        if level == self.top_level and self.out.title is None and not self.out.sections:
            self.out.title = text
            return
        while self.stack and self.stack[-1].level >= level:
            self.stack.pop()
        anchor = anchor_match.group(1).strip() if anchor_match else None
        self.open_section(level, text, anchor, line)

    def open_section(self, level: int, text: str, anchor: str | None, line: int) -> None:
        """Push a section on the heading stack, deriving its anchor when the list gives none."""
        taken = {s.anchor for s in self.out.sections}
        derived = anchor is None
        if anchor is None:
            anchor = _unique(slugify(text), taken)
        elif anchor in taken:
            self.problem(line, f"anchor {anchor!r} is used by an earlier section", text)
        parent = self.stack[-1] if self.stack else None
        path = (*parent.path, text) if parent else (text,)
        section = Section(anchor, text, level, path, parent and parent.anchor, line, derived)
        self.stack.append(section)
        self.out.sections.append(section)

    def current_section(self, line: int) -> Section:
        """The open section; entries before any heading go to a section named after the title."""
        if self.stack:
            return self.stack[-1]
        if self.root is None:
            text = self.out.title or "Untitled"
            self.root = Section(slugify(text), text, 1, (text,), None, line, True)
            self.out.sections.append(self.root)
        return self.root

    def read_entry(self, i: int) -> int:
        """Read one entry starting at line index ``i``; return the index after its head."""
        title, rest, end, closed = _read_title(self.lines, i)
        if not closed:
            self.problem(i + 1, "unclosed bold title (missing closing **)", self.lines[i])
        links, note = self.read_links(rest, end + 1)
        nxt = end + 1
        while nxt < len(self.lines) and self.lines[nxt].lstrip().startswith("[["):
            more, more_note = self.read_links(self.lines[nxt], nxt + 1)
            links += more
            note = " ".join(filter(None, (note, more_note)))
            nxt += 1
        date, title = split_date(title)
        if not title:
            self.problem(i + 1, "entry without a title", self.lines[i])
        section = self.current_section(i + 1)
        position = self.counts[section.anchor] = self.counts.get(section.anchor, 0) + 1
        self.entry = Entry(title, date, links, section, position, i + 1, note)
        self.out.entries.append(self.entry)
        return nxt

    def read_links(self, text: str, line: int) -> tuple[list[Link], str]:
        """The entry links in ``text`` and the text left between them (the note)."""
        links = [Link(m.group(1).strip(), m.group(2), line) for m in _LINK_RE.finditer(text)]
        rest = _LINK_RE.sub(" ", text)
        singles = list(_SINGLE_LINK_RE.finditer(rest))
        if singles:
            self.problem(line, "link with single brackets among the entry's links", text)
            links += [Link(m[1].strip(), m[2], line) for m in singles]
            rest = _SINGLE_LINK_RE.sub(" ", rest)
        if any(debris in rest for debris in _LINK_DEBRIS):
            self.problem(line, "malformed link", text)
            links += [Link(m[1].strip(), m[2], line) for m in _LOOSE_LINK_RE.finditer(rest)]
            rest = _LOOSE_LINK_RE.sub(" ", rest)
        return links, " ".join(rest.split())


def _top_level(lines: list[str]) -> int:
    """Heading level of a document title: the first heading, when no other has its level."""
    levels = [len(m.group(1)) for m in map(_HEADING_RE.match, lines) if m]
    return levels[0] if levels and levels.count(levels[0]) == 1 and levels[0] == 1 else 0


def _unique(anchor: str, taken: set[str]) -> str:
    """``anchor`` or ``anchor-2``, ``anchor-3``… whichever is not taken yet."""
    candidate, n = anchor, 2
    while candidate in taken:
        candidate, n = f"{anchor}-{n}", n + 1
    return candidate


def _read_title(lines: list[str], i: int) -> tuple[str, str, int, bool]:
    """Bold title starting on line ``i``: (title, text after it, last line index, closed?).

    A title without its closing ``**`` on the first line continues on the following lines
    (at most :data:`MAX_TITLE_LINES` in all) when one of them closes it before a blank line,
    a heading, another entry or a line of links.
    """
    first = lines[i][_ENTRY_START_RE.match(lines[i]).end() :]
    end = i if "**" in first else None if "[[" in first else _closing_line(lines, i)
    if end is not None:
        text = " ".join(line.strip() for line in [first, *lines[i + 1 : end + 1]])
        close = text.find("**")
        return " ".join(text[:close].split()), text[close + 2 :], end, True
    cut = first.find("[")
    title, rest = (first[:cut], first[cut:]) if cut >= 0 else (first, "")
    return " ".join(title.split()), rest, i, False


def _closing_line(lines: list[str], i: int) -> int | None:
    """Index of the line after ``i`` that closes a bold title begun on line ``i``, if any."""
    for j in range(i + 1, min(i + MAX_TITLE_LINES, len(lines))):
        line = lines[j].strip()
        if not line or _HEADING_RE.match(line) or _ENTRY_START_RE.match(line):
            return None
        if line.startswith("[[") or ("[[" in line and line.find("[[") < line.find("**")):
            return None
        if "**" in line:
            return j
    return None


def parse_list(text: str) -> ParsedList:
    """Parse a markdown list into sections, entries and problems (never dropping an entry)."""
    return _Parser(text.splitlines()).run()
