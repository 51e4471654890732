"""Listing history from a folder of list versions (``dlbio import-list VERSIONS_DIR``).

The folder holds ``versions.tsv`` (``file``, ``commit``, ``date`` columns, oldest first) and the
version files it names (directly or in ``versions/``). Each version is parsed and its entries are
matched to the entries seen in earlier versions with the same rules as a single import (links and
derived identifiers first, then the normalised title, strongest match first, one each), so a
renamed entry, a moved one or one whose links were rewritten stays one entry. The entries seen
over all versions are then matched to the records of the data folder.

What comes out is the importer's own two files — ``versions.yaml`` (every version: commit, date,
the version it revised) and ``history.yaml`` (every entry: first and last version listing it,
in how many, whether the newest lists it, whether the list describes it, earlier titles) — and a
report: entries seen, entries with no record (``lost``, with drafts planned from their last
listing) and records no version lists. Curated files are never written.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.importer import Entity, Existing, existing_records, match_keys, merge_entities, read_folder
from kg.importer import _entity_keys as entity_keys
from kg.listparse import parse_list, split_date

VERSIONS_TSV = "versions.tsv"
VERSIONS_FILE = "versions.yaml"
HISTORY_FILE = "history.yaml"
#: A note between an entry's links counts as a description from this many words on, unless it
#: is a parenthetical aside such as "(one paper out of several)".
DESCRIPTION_NOTE_WORDS = 8


class VersionsError(ValueError):
    """The versions folder is not a ``versions.tsv`` with the files it names."""


@dataclass(frozen=True)
class Version:
    """One version of the list: its file, commit and date."""

    file: Path
    commit: str
    date: str

    @property
    def id(self) -> str:
        """The version's CURIE: ``version:`` and the commit's first eight digits."""
        return f"version:{self.commit[:8]}"


@dataclass
class Tracked:
    """One entry followed across versions."""

    keys: set[str]
    titles: list[str]
    first: Version
    last: Version
    count: int
    entity: Entity
    described: bool


@dataclass
class HistoryReport:
    """Outcome of reading every version against the data folder."""

    versions: int
    seen: int
    matched: dict[str, Tracked] = field(default_factory=dict)
    lost: list[Tracked] = field(default_factory=list)
    unlisted: list[dict[str, str]] = field(default_factory=list)
    problems: int = 0

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "versions": self.versions,
            "entries_seen": self.seen,
            "matched": len(self.matched),
            "lost": [_lost(t) for t in self.lost],
            "never_listed": self.unlisted,
            "unparseable_lines": self.problems,
        }


def _lost(tracked: Tracked) -> dict[str, Any]:
    return {"title": tracked.entity.title, "first": tracked.first.id, "last": tracked.last.id}


def read_versions(folder: Path) -> list[Version]:
    """The versions named by ``folder/versions.tsv``, oldest first."""
    table = folder / VERSIONS_TSV
    if not table.is_file():
        raise VersionsError(f"{folder}: no {VERSIONS_TSV} (columns file, commit, date)")
    with table.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    versions = []
    for line, row in enumerate(rows, start=2):
        if not {"file", "commit", "date"} <= set(row) or not all(row.values()):
            raise VersionsError(f"{table}: line {line}: needs file, commit and date")
        path = next((p for p in (folder / row["file"], folder / "versions" / row["file"])
                     if p.is_file()), None)  # fmt: skip
        if path is None:
            raise VersionsError(f"{table}: line {line}: no file {row['file']}")
        versions.append(Version(path, row["commit"].strip().lower(), row["date"].strip()))
    if not versions:
        raise VersionsError(f"{table}: lists no version")
    return sorted(versions, key=lambda v: v.date)


def describes(entity: Entity) -> bool:
    """Whether the list gives the entry a description (not just a title and links)."""
    for entry in entity.listings:
        note = entry.note.strip()
        aside = note.startswith("(") and note.endswith(")")
        if entry.description.strip() or (len(note.split()) >= DESCRIPTION_NOTE_WORDS and not aside):
            return True
    return False


def track(versions: list[Version]) -> tuple[list[Tracked], int]:
    """Every distinct entry over all versions, and the number of unparseable lines."""
    tracked: list[Tracked] = []
    problems = 0
    for version in versions:
        parsed = parse_list(version.file.read_text(encoding="utf-8"))
        problems += len(parsed.problems)
        entities = merge_entities(parsed)
        matched = match_keys([entity_keys(e) for e in entities], [t.keys for t in tracked])
        for i, entity in enumerate(entities):
            keys = entity_keys(entity)
            if i not in matched:
                tracked.append(Tracked(set(), [], version, version, 0, entity, False))
            item = tracked[matched[i]] if i in matched else tracked[-1]
            item.keys |= keys
            item.last, item.entity, item.described = version, entity, describes(entity)
            item.count += 1
            if entity.title not in item.titles:
                item.titles.append(entity.title)
    return tracked, problems


def version_records(versions: list[Version], source: str) -> list[dict[str, Any]]:
    """``versions.yaml``: one record per version, each naming the version it revised."""
    records = []
    for i, version in enumerate(versions):
        record = {"id": version.id, "commit": version.commit, "published": version.date,
                  "version_of": source}  # fmt: skip
        if i:
            record["previous_version"] = versions[i - 1].id
        records.append(record)
    return records


def history_record(record: Existing, tracked: Tracked, newest: Version) -> dict[str, Any]:
    """``history.yaml`` record of one entry."""
    history: dict[str, Any] = {
        "entry": record.id,
        "first_listed": tracked.first.id,
        "last_listed": tracked.last.id,
        "listing_status": "listed" if tracked.last == newest else "withdrawn",
        "versions_listed": tracked.count,
        "list_description": tracked.described,
    }
    others = [t for t in tracked.titles if split_date(t)[1] != record.title]
    return history | ({"alt_titles": others} if others else {})


def import_history(folder: Path, into: Path) -> tuple[HistoryReport, dict[str, list]]:
    """Read every version against ``into``: the report and the two files' records (unwritten)."""
    versions = read_versions(folder)
    tracked, problems = track(versions)
    data = read_folder(into)
    records = [r for r in existing_records(data) if not r.file.startswith("drafts/")]
    assigned = match_keys([t.keys for t in tracked], [r.keys for r in records])
    report = HistoryReport(len(versions), len(tracked), problems=problems)
    for i, item in enumerate(tracked):
        if i in assigned:
            report.matched[records[assigned[i]].id] = item
        else:
            report.lost.append(item)
    taken = set(assigned.values())
    report.unlisted = [{"id": r.id, "file": r.file, "title": r.title}
                       for j, r in enumerate(records) if j not in taken]  # fmt: skip
    datasets = data.of("dataset.yaml")
    source = datasets[0]["id"] if datasets else "dataset:list"
    by_id = {r.id: r for r in records}
    histories = [
        history_record(by_id[rid], item, versions[-1])
        for rid, item in sorted(report.matched.items())
    ]
    return report, {VERSIONS_FILE: version_records(versions, source), HISTORY_FILE: histories}
