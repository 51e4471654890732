"""The curated ``data/`` and the importer agree: a list written from ``data/`` imports as 0/0/0.

The list is generated from the records themselves (titles, links, sections and positions: our own
facts, no curator prose), so importing it into ``data/`` must find every record unchanged. Every
record that stands for a list entry counts: reviews, methods (with their papers) and resources
(with their papers). Records whose ``history.yaml`` says the list withdrew them keep their last
listing; a list written without them reports them as withdrawn, never as missing.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.importer import import_list

DATA = Path(__file__).resolve().parents[2] / "data"

pytestmark = pytest.mark.skipif(
    not (DATA / "methods.yaml").exists(), reason="data/methods.yaml is not written yet"
)


def _load(name: str) -> list[dict[str, Any]]:
    path = DATA / name
    return yaml.safe_load(path.read_text(encoding="utf-8")) or [] if path.exists() else []


Listed = tuple[str, str, list[dict[str, str]], list[dict[str, Any]]]


def _withdrawn() -> set[str]:
    """IDs of the records the newest list version no longer lists (``history.yaml``)."""
    return {h["entry"] for h in _load("history.yaml") if h["listing_status"] == "withdrawn"}


def _entries() -> list[Listed]:
    """(id, title as listed, links, listed_in) of every review, method and resource that is
    not replaced: the records :func:`kg.importer.existing_records` matches list entries to."""
    papers = {p["id"]: p for p in _load("papers.yaml")}
    entries = []
    for review in _load("reviews.yaml"):
        date = review.get("date") if review.get("date_source") == "listed" else None
        title = f"({date}) {review['title']}" if date else review["title"]
        entries.append((review["id"], title, review.get("links") or [], review["listed_in"]))
    for record in [*_load("methods.yaml"), *_load("resources.yaml")]:
        if record.get("replaced_by"):
            continue
        paper = papers[record["paper"]]
        links = [*(paper.get("links") or []), *(record.get("links") or [])]
        entries.append((record["id"], paper["title"], links, record["listed_in"]))
    return entries


def list_from_data(skip: set[str] = frozenset()) -> str:  # type: ignore[assignment]
    """A markdown list of the curated records (but ``skip``), one heading per section path."""
    anchors = {s["heading"]: s["anchor"] for s in _load("subfields.yaml") if "anchor" in s}
    sections: dict[tuple[str, ...], list[tuple[int, str]]] = defaultdict(list)
    for rid, title, links, listed_in in _entries():
        if rid in skip:
            continue
        line = f"**{title}** " + "".join(f"[[{x['label']}]({x['url']})]" for x in links)
        for place in listed_in:
            path = tuple(place["section_path"].split(" > "))
            anchors[path[-1]] = place["section"]
            sections[path].append((place["position"], line))
    title = _load("dataset.yaml")[0]["title"]
    out, opened = [f"# {title}", ""], set()
    for path in sorted(sections):
        for depth in range(1, len(path) + 1):
            if path[:depth] not in opened:
                opened.add(path[:depth])
                heading = path[depth - 1]
                anchor = f' <a name="{anchors[heading]}"></a>' if heading in anchors else ""
                out += ["#" * (depth + 1) + f" {heading}{anchor}", ""]
        out += [text for _, line in sorted(sections[path]) for text in (line, "")]
    return "\n".join(out)


def test_list_written_from_data_imports_as_nothing_new_changed_or_missing() -> None:
    expected = len(_entries())
    assert expected > 0
    report = import_list(list_from_data(), DATA, "deeplearning-biology")
    assert report.problems == []
    assert report.new == [], "records the importer could not match to themselves"
    assert report.changed == [], "records whose links, sections or title do not round-trip"
    assert (report.missing, report.withdrawn) == ([], [])
    assert report.new_subfields == [], "sections without a subfields.yaml record"
    assert (report.entities, len(report.unchanged)) == (expected, expected)


def test_data_holds_every_kind_of_listed_record() -> None:
    """The round trip covers resources and withdrawn records, not just methods and reviews."""
    ids = [rid for rid, *_ in _entries()]
    for name in ("reviews.yaml", "methods.yaml", "resources.yaml"):
        assert {r["id"] for r in _load(name)} & set(ids), f"no {name} record in the list"
    assert _withdrawn() and _withdrawn() <= set(ids)


def test_list_without_withdrawn_entries_reports_them_withdrawn_not_missing() -> None:
    withdrawn = _withdrawn()
    report = import_list(list_from_data(skip=withdrawn), DATA, "deeplearning-biology")
    assert (report.new, report.changed, report.missing) == ([], [], [])
    assert sorted(report.withdrawn) == sorted(withdrawn)
    assert len(report.unchanged) == len(_entries()) - len(withdrawn)


def test_round_trip_notices_a_dropped_entry() -> None:
    # An entry listed once (one listing less of an entry listed twice is a change, not a loss)
    # that the newest version still lists (a withdrawn one is reported as withdrawn).
    withdrawn = _withdrawn()
    rid = next(rid for rid, _, _, listed_in in _entries()
               if len(listed_in) == 1 and rid not in withdrawn)  # fmt: skip
    report = import_list(list_from_data(skip={rid}), DATA, "x")
    assert [m["id"] for m in report.missing] == [rid]
    assert (report.new, report.changed, report.withdrawn) == ([], [], [])
