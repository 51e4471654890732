"""Import a markdown list into a data folder: match entries, report differences, write drafts.

``import_list(text, into)`` parses the list (:mod:`kg.listparse`), merges the listings of one entry
(an entry listed in several sections is one entity), and matches every entity to an existing
record of ``into`` — curated (``methods.yaml`` with its ``papers.yaml`` paper, ``reviews.yaml``)
or an earlier draft (``drafts/*.yaml``) — by links and derived identifiers first, then by
normalised title. It reports new, changed (title, links or sections; positions within a section
are not compared, they shift whenever an entry is added above) and missing entries, and
plans a draft for every new entry and every new section (a subfield to curate). Curated files are
never written; :func:`write_drafts` only creates files in ``into/drafts/`` that do not exist yet,
so importing the same list twice is a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from kg.identifiers import derive_ids, label_kind
from kg.importer_drafts import Draft, plan_drafts
from kg.listparse import Entry, Link, ParsedList, Problem, normalise_title, parse_list, split_date

RECORD_FILES = (
    "dataset.yaml",
    "subfields.yaml",
    "papers.yaml",
    "reviews.yaml",
    "methods.yaml",
    "resources.yaml",
    "history.yaml",
)
DRAFTS_DIR = "drafts"
#: Weight of a shared key when matching: exact URLs and paper identifiers count most.
_WEIGHTS = {"url": 4, "doi": 4, "arxiv": 4, "pmid": 4, "github": 2, "title": 1}
#: Keys naming a paper: two listings in one version sharing one are one entry.
PAPER_KEYS = frozenset({"doi", "arxiv", "pmid"})


@dataclass
class Entity:
    """One list entry, with every listing of it merged (links in order of first appearance)."""

    title: str
    date: str | None
    links: list[Link]
    listings: list[Entry]

    @property
    def sections(self) -> set[tuple[str, str]]:
        """The (anchor, heading path) of every section the entry is listed in."""
        return {(e.section.anchor, e.section.path_text) for e in self.listings}


@dataclass
class Existing:
    """An existing record (method with its paper, or review) as the importer compares it."""

    id: str
    file: str
    title: str
    links: set[tuple[str, str]]
    sections: set[tuple[str, str]]
    keys: set[str] = field(default_factory=set)


@dataclass
class Folder:
    """What ``into`` holds: records per class file (curated and drafts) and the draft files."""

    records: dict[str, list[tuple[str, dict[str, Any]]]]
    draft_files: set[str]

    def of(self, name: str) -> list[dict[str, Any]]:
        """Records of one class file, curated first, then drafts."""
        return [record for _, record in self.records.get(name, [])]


@dataclass
class Report:
    """Outcome of an import: what is new, changed, unchanged or missing, and parse problems."""

    entities: int
    new: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    new_subfields: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The report as plain JSON-ready data (``--report FILE``)."""
        names = ("new", "changed", "unchanged", "missing", "withdrawn")
        counts = {k: len(getattr(self, k)) for k in names}
        return {
            "entities": self.entities,
            "counts": counts | {"new_subfields": len(self.new_subfields)},
            "new": self.new,
            "changed": self.changed,
            "missing": self.missing,
            "withdrawn": self.withdrawn,
            "new_subfields": self.new_subfields,
            "problems": [vars(p) for p in self.problems],
            "notes": [vars(p) for p in self.notes],
            "drafts": [d.path for d in self.drafts],
        }


def url_key(url: str) -> str:
    """URL compared without scheme, ``www.``, fragment, trailing slash or host case."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    query = f"?{parts.query}" if parts.query else ""
    return f"url:{host}{parts.path.rstrip('/')}{query}"


def link_keys(urls: list[str]) -> set[str]:
    """Matching keys of a set of links: their URLs and the identifiers they carry."""
    keys = {url_key(url) for url in urls}
    for url in urls:
        ids = derive_ids(url)
        keys |= {f"{name}:{value.lower()}" for name, value in vars(ids).items() if value}
    return keys


def merge_entities(parsed: ParsedList) -> list[Entity]:
    """Group the listings of one entry: same normalised title, exactly the same links, or a
    shared paper identifier (DOI, arXiv, PubMed: two listings of one paper's versions)."""
    entities: list[Entity] = []
    index: dict[str, Entity] = {}
    for entry in parsed.entries:
        urls = "\n".join(sorted(link.url for link in entry.links))
        keys = [f"title:{normalise_title(entry.title)}"] + ([f"links:{urls}"] if urls else [])
        keys += sorted(k for k in link_keys([link.url for link in entry.links])
                       if k.split(":", 1)[0] in PAPER_KEYS)  # fmt: skip
        entity = next((index[k] for k in keys if k in index), None)
        if entity is None:
            entity = Entity(entry.title, entry.date, [], [])
            entities.append(entity)
        entity.listings.append(entry)
        seen = {(link.label, link.url) for link in entity.links}
        entity.links += [link for link in entry.links if (link.label, link.url) not in seen]
        index.update(dict.fromkeys(keys, entity))
    return entities


class FolderError(ValueError):
    """A file of the data folder is not YAML of the expected shape."""


def read_folder(into: Path) -> Folder:
    """Read the class files of ``into`` and of its drafts (missing files hold nothing)."""
    records: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for name in RECORD_FILES:
        records[name] = [(name, r) for r in _read(into / name, list)]
    draft_files: set[str] = set()
    for path in sorted((into / DRAFTS_DIR).glob("*.yaml")):
        file = f"{DRAFTS_DIR}/{path.name}"
        draft_files.add(file)
        content = _read(path, dict)
        for name in RECORD_FILES:
            records[name] += [(file, r) for r in content.get(name) or []]
    return Folder(records, draft_files)


def _read(path: Path, shape: type) -> Any:
    """Content of a YAML file that must be a ``shape`` (empty when the file does not exist)."""
    if not path.exists():
        return shape()
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise FolderError(f"{path}: unreadable YAML: {exc}") from exc
    if content is None:
        return shape()
    if not isinstance(content, shape):
        raise FolderError(f"{path}: expected a YAML {shape.__name__}")
    return content


def _existing(file: str, record: dict[str, Any], paper: dict[str, Any]) -> Existing:
    links = [*(paper.get("links") or []), *(record.get("links") or [])]
    listed = record.get("listed_in") or []
    return Existing(
        id=record["id"],
        file=file,
        title=split_date(str(paper.get("title", "")))[1],
        links={(link.get("label", ""), link.get("url", "")) for link in links},
        sections={(p.get("section", ""), p.get("section_path", "")) for p in listed},
        keys=link_keys([link.get("url", "") for link in links])
        | {f"title:{normalise_title(str(paper.get('title', '')))}"},
    )


def existing_records(folder: Folder) -> list[Existing]:
    """Methods (with their papers) and reviews that stand for list entries (not replaced ones)."""
    papers = {p.get("id"): p for p in folder.of("papers.yaml")}
    found = []
    for name in ("reviews.yaml", "methods.yaml", "resources.yaml"):
        for file, record in folder.records[name]:
            if not isinstance(record, dict) or "id" not in record or record.get("replaced_by"):
                continue
            paper = record if name == "reviews.yaml" else papers.get(record.get("paper"), {})
            found.append(_existing(file, record, paper))
    return found


def _entity_keys(entity: Entity) -> set[str]:
    keys = link_keys([link.url for link in entity.links])
    return keys | {f"title:{normalise_title(entity.title)}"}


def match_keys(wanted: list[set[str]], have: list[set[str]]) -> dict[int, int]:
    """Index in ``wanted`` → index in ``have``, strongest shared keys first (one each)."""
    scored = []
    for i, keys in enumerate(wanted):
        for j, other in enumerate(have):
            score = sum(_WEIGHTS[key.split(":", 1)[0]] for key in keys & other)
            if score:
                scored.append((-score, i, j))
    matched: dict[int, int] = {}
    taken: set[int] = set()
    for _, i, j in sorted(scored):
        if i not in matched and j not in taken:
            matched[i] = j
            taken.add(j)
    return matched


def match(entities: list[Entity], records: list[Existing]) -> dict[int, Existing]:
    """Entity index → record, assigning the strongest shared keys first (one record each)."""
    found = match_keys([_entity_keys(e) for e in entities], [r.keys for r in records])
    return {i: records[j] for i, j in found.items()}


def _pairs(pairs: set[tuple[str, str]]) -> list[list[str]]:
    return [list(pair) for pair in sorted(pairs)]


def differences(entity: Entity, record: Existing) -> dict[str, Any]:
    """Title, link and section differences between a list entity and its record."""
    links = {(link.label, link.url) for link in entity.links}
    diff: dict[str, Any] = {}
    if entity.title != record.title:
        diff["title"] = {"record": record.title, "list": entity.title}
    for name, have, want in (
        ("links", record.links, links),
        ("sections", record.sections, entity.sections),
    ):
        if have != want:
            diff[name] = {"added": _pairs(want - have), "removed": _pairs(have - want)}
    return diff


def _summary(entity: Entity) -> dict[str, Any]:
    return {
        "title": entity.title,
        "line": entity.listings[0].line,
        "sections": sorted(path for _, path in entity.sections),
        "links": [[link.label, link.url] for link in entity.links],
    }


def _notes(entities: list[Entity]) -> list[Problem]:
    """Things a curator should look at that are not parse errors."""
    notes = []
    for entity in entities:
        for link in entity.links:
            if label_kind(link.label) is None:
                notes.append(Problem(link.line, f"unknown link label {link.label!r}", link.url))
        for entry in entity.listings:
            if not entry.links:
                notes.append(Problem(entry.line, "entry without links", entry.title))
            if entry.note:
                notes.append(Problem(entry.line, "text between the entry's links", entry.note))
    return notes


def import_list(
    text: str, into: Path, list_name: str, history: list[dict[str, Any]] | None = None
) -> Report:
    """Compare the list ``text`` with the records of ``into``; plan drafts (writes nothing).

    ``history`` holds the ``history.yaml`` records to go by instead of the file's (those a
    versions import has just computed, written or not: a dry run must report the same).
    """
    parsed = parse_list(text)
    entities = merge_entities(parsed)
    folder = read_folder(into)
    records = existing_records(folder)
    matched = match(entities, records)
    report = Report(len(entities), problems=parsed.problems, notes=_notes(entities))
    new = [entity for i, entity in enumerate(entities) if i not in matched]
    for i, record in sorted(matched.items()):
        diff = differences(entities[i], record)
        if diff:
            report.changed.append({"id": record.id, "file": record.file} | diff)
        else:
            report.unchanged.append(record.id)
    taken = {id(record) for record in matched.values()}
    history = folder.of("history.yaml") if history is None else history
    withdrawn = {h.get("entry") for h in history
                 if h.get("listing_status") == "withdrawn"}  # fmt: skip
    unmatched = [r for r in records if id(r) not in taken]
    report.withdrawn = [r.id for r in unmatched if r.id in withdrawn]
    report.missing = [
        {"id": r.id, "file": r.file, "title": r.title, "sections": sorted(p for _, p in r.sections)}
        for r in unmatched
        if r.id not in withdrawn
    ]
    plan = plan_drafts(parsed, new, folder, list_name)
    report.new = [
        _summary(entity) | {"draft": draft.path, "ids": list(draft.ids)}
        for entity, draft in zip(new, plan.entities, strict=True)
    ]
    report.new_subfields = plan.new_subfields
    report.drafts = plan.subfields + plan.entities
    return report


def write_drafts(report: Report, into: Path) -> list[str]:
    """Create the planned draft files that do not exist yet; return their paths."""
    written = []
    for draft in report.drafts:
        path = into / draft.path
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(draft.text, encoding="utf-8")
        written.append(draft.path)
    return written
