"""The curated ``data/`` and the importer agree: a list written from ``data/`` imports as 0/0/0.

The list is generated from the records themselves (titles, links, sections and positions: our own
facts, no curator prose), so importing it into ``data/`` must find every record unchanged.
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


def _entries() -> list[tuple[str, list[dict[str, str]], list[dict[str, Any]]]]:
    """(title as listed, links, listed_in) of every review and method that is not replaced."""
    papers = {p["id"]: p for p in _load("papers.yaml")}
    entries = []
    for review in _load("reviews.yaml"):
        date = review.get("date") if review.get("date_source") == "listed" else None
        title = f"({date}) {review['title']}" if date else review["title"]
        entries.append((title, review.get("links") or [], review["listed_in"]))
    for method in _load("methods.yaml"):
        if method.get("replaced_by"):
            continue
        paper = papers[method["paper"]]
        links = [*(paper.get("links") or []), *(method.get("links") or [])]
        entries.append((paper["title"], links, method["listed_in"]))
    return entries


def list_from_data() -> str:
    """A markdown list of the curated records, one heading per section path, with anchors."""
    anchors = {s["heading"]: s["anchor"] for s in _load("subfields.yaml") if "anchor" in s}
    sections: dict[tuple[str, ...], list[tuple[int, str]]] = defaultdict(list)
    for title, links, listed_in in _entries():
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
    assert report.missing == []
    assert report.new_subfields == [], "sections without a subfields.yaml record"
    assert (report.entities, len(report.unchanged)) == (expected, expected)


def test_round_trip_notices_a_dropped_entry() -> None:
    lines = list_from_data().splitlines()
    dropped = next(line for line in lines if line.startswith("**"))
    report = import_list("\n".join(x for x in lines if x != dropped), DATA, "x")
    assert len(report.missing) == 1
