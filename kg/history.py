"""Listing history in the build: check ``history.yaml`` against the data, merge it into entries.

``dlbio import-list VERSIONS_DIR`` writes ``versions.yaml`` (one record per version of the list)
and ``history.yaml`` (one record per entry: first and last version listing it, status, …). Those
two files are the importer's; curated files never hold these facts. The build checks them —
every entry has exactly one history, the status agrees with the last version — and then merges
each history into its entry's record (alternative titles go to the entry's paper), so the facts
are about the entry itself.
"""

from __future__ import annotations

from dataclasses import replace

from kg.errors import DataProblem
from kg.records import Record, by_class

#: Classes whose records are list entries (each has one listing history).
ENTRY_CLASSES = ("Method", "Review", "Resource")
#: History fields merged into the entry record (``alt_titles`` goes to the paper).
ENTRY_FIELDS = ("first_listed", "last_listed", "listing_status", "versions_listed",
                "list_description")  # fmt: skip


def newest_version(records: list[Record]) -> str | None:
    """ID of the newest list version (the latest ``published``), or None without versions."""
    versions = [r.data for r in by_class(records, "ListVersion")]
    return max(versions, key=lambda v: str(v["published"]))["id"] if versions else None


def _version_problems(records: list[Record]) -> list[DataProblem]:
    """Each version's ID is its commit's first eight digits."""
    return [
        r.problem("id", f"must be version:{r.data['commit'][:8]} (the commit's first 8 digits)")
        for r in by_class(records, "ListVersion")
        if r.data["id"] != f"version:{r.data['commit'][:8]}"
    ]


def check_history(records: list[Record]) -> list[DataProblem]:
    """With list versions present, every entry has one history and each history is consistent."""
    newest = newest_version(records)
    if newest is None:
        return []
    problems = _version_problems(records)
    entries = {r.data["id"]: r for r in by_class(records, *ENTRY_CLASSES)}
    seen: set[str] = set()
    for record in by_class(records, "ListingHistory"):
        entry = record.data["entry"]
        if entry not in entries:
            problems.append(record.problem("entry", f"no method, review or resource {entry}"))
        elif entry in seen:
            problems.append(record.problem("entry", f"a second history of {entry}"))
        seen.add(entry)
        listed = record.data["last_listed"] == newest
        if (record.data["listing_status"] == "listed") != listed:
            expected = "listed" if listed else "withdrawn"
            problems.append(
                record.problem("listing_status", f"must be {expected}: last_listed is "
                               f"{record.data['last_listed']}, the newest version is {newest}")
            )  # fmt: skip
    for entry, record in entries.items():
        if entry not in seen and not record.data.get("replaced_by"):
            problems.append(record.problem("id", "no listing history in history.yaml"))
    return problems


def merge_history(records: list[Record]) -> list[Record]:
    """Records with each history merged into its entry (and titles into its paper); no histories."""
    histories = {r.data["entry"]: r.data for r in by_class(records, "ListingHistory")}
    entries = {r.data["id"]: r for r in by_class(records, *ENTRY_CLASSES)}
    alt_titles: dict[str, list[str]] = {}
    for entry, history in histories.items():
        if history.get("alt_titles") and entry in entries:
            paper = entries[entry].data.get("paper", entry)
            alt_titles.setdefault(paper, []).extend(history["alt_titles"])
    merged = []
    for record in records:
        if record.cls == "ListingHistory":
            continue
        data = dict(record.data)
        history = histories.get(data.get("id")) if record.cls in ENTRY_CLASSES else None
        if history:
            data |= {k: history[k] for k in ENTRY_FIELDS if k in history}
        if record.cls in ("Paper", "Review") and data.get("id") in alt_titles:
            data["alt_titles"] = alt_titles[data["id"]]
        merged.append(replace(record, data=data) if data != record.data else record)
    return merged
