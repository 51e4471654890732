"""``dlbio import-list VERSIONS_DIR``: listing history over every version of a list.

The fixture ``fixtures/history/`` is five made-up versions of a toy list (``versions.tsv`` and
``versions/v1.md`` … ``v5.md``) and ``data/``, a data folder with one record per entry ever
listed. Between the versions:

* v2 adds ToolA and ToolB (they share only a GitHub repository and must stay two entries) and
  renames WebToy while rewriting its link (``http://www.…/`` → ``https://…``): only the link
  still matches, and v4 writes it a third way (``https://www.…/``);
* v3 renames ExprNet (same link) and moves FoldToy from Proteomics to a new Structure section;
* v4 drops RetiredNet (withdrawn, last listed in v3) and adds MolToy and SeqToy (first listed v4);
* v5 lists a second preprint version of SeqToy as its own listing: it shares the bioRxiv DOI, so
  it is the same entry.

ExprNet, RetiredNet and MolToy have a description paragraph; the others have none.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from kg.import_cli import OWNED_HEADER, import_list
from kg.importer import merge_entities, url_key
from kg.importer_history import (
    HISTORY_FILE,
    VERSIONS_FILE,
    VersionsError,
    describes,
    import_history,
    read_versions,
    track,
)
from kg.listparse import parse_list

from .conftest import FIXTURES

HISTORY = FIXTURES / "history"


def _v(n: int) -> str:
    return f"version:c0ffee0{n}"


def _entry(entry: str, first: int, last: int, count: int, described: bool) -> dict[str, Any]:
    return {
        "entry": entry,
        "first_listed": _v(first),
        "last_listed": _v(last),
        "listing_status": "listed" if last == 5 else "withdrawn",
        "versions_listed": count,
        "list_description": described,
    }


EXPECTED_HISTORY = [
    _entry("method:exprnet", 1, 5, 5, True) | {"alt_titles": ["ExprNet: expression from toys"]},
    _entry("method:foldtoy", 1, 5, 5, False),
    _entry("method:moltoy", 4, 5, 2, True),
    _entry("method:retirednet", 1, 3, 3, True),
    _entry("method:seqtoy", 4, 5, 2, False),
    _entry("method:toola", 2, 5, 4, False),
    _entry("method:toolb", 2, 5, 4, False),
    _entry("method:webtoy", 1, 5, 5, False) | {"alt_titles": ["WebToy: a toy web server"]},
    _entry("paper:toy-review", 1, 5, 5, False),
]
DATES = ["2017-01-10", "2017-06-02", "2018-02-14", "2018-09-30", "2019-03-01"]
EXPECTED_VERSIONS = [
    {
        "id": _v(n),
        "commit": f"c0ffee0{n}00112233445566778899aabbccddeeff",
        "published": DATES[n - 1],
        "version_of": "dataset:toy-list",
    }
    | ({"previous_version": _v(n - 1)} if n > 1 else {})
    for n in range(1, 6)
]
#: Report of the newest version against the fixture data folder: every record unchanged but the
#: withdrawn one.
NEWEST_COUNTS = {
    "new": 0, "changed": 0, "unchanged": 8, "missing": 0, "withdrawn": 1, "new_subfields": 0
}  # fmt: skip


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the fixture data folder (the import writes into it)."""
    return Path(shutil.copytree(HISTORY / "data", tmp_path / "data"))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def drop_record(data: Path, name: str, rid: str) -> None:
    """Remove the record ``rid`` from ``data/name``."""
    path = data / name
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    kept = [r for r in records if r["id"] != rid]
    assert len(kept) == len(records) - 1
    path.write_text(yaml.safe_dump(kept, sort_keys=False), encoding="utf-8")


def invoke(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(import_list, list(args), env={"COLUMNS": "200"})


# Reading the versions and following entries across them


def test_versions_are_read_from_versions_tsv_oldest_first() -> None:
    versions = read_versions(HISTORY)
    assert [v.file.name for v in versions] == ["v1.md", "v2.md", "v3.md", "v4.md", "v5.md"]
    assert [v.id for v in versions] == [_v(n) for n in range(1, 6)]
    assert all(v.file.parent == HISTORY / "versions" for v in versions)


def test_version_files_may_sit_beside_versions_tsv(tmp_path: Path) -> None:
    folder = tmp_path / "flat"
    folder.mkdir()
    shutil.copy(HISTORY / "versions.tsv", folder)
    for path in (HISTORY / "versions").glob("*.md"):
        shutil.copy(path, folder)
    assert [v.file for v in read_versions(folder)] == [folder / f"v{n}.md" for n in range(1, 6)]
    _, files = import_history(folder, HISTORY / "data")
    assert files[HISTORY_FILE] == EXPECTED_HISTORY


def test_each_entry_is_followed_as_one_across_renames_moves_and_rewritten_links() -> None:
    tracked, problems = track(read_versions(HISTORY))
    assert problems == 0
    titles = [t.titles for t in tracked]
    assert titles == [
        ["ExprNet: expression from toys", "ExprNet: gene expression from toy models"],
        ["RetiredNet - dropped in a later version"],
        ["FoldToy: proteins from toys"],
        ["WebToy: a toy web server", "WebToy server for toy sequences"],
        ["A made-up review of toy nets"],
        ["ToolA: alpha from the toolkit"],
        ["ToolB: beta from the toolkit"],
        ["SeqToy: sequences from toys"],
        ["MolToy: molecules from toys"],
    ]
    fold = tracked[2]
    assert fold.count == 5
    assert fold.entity.sections == {("structure", "Structure")}


def test_the_same_link_written_differently_is_one_key() -> None:
    variants = [
        "http://www.webtoy.example.org/",
        "https://webtoy.example.org",
        "https://www.webtoy.example.org/",
        "HTTPS://WWW.WebToy.example.org/#top",
    ]
    assert {url_key(u) for u in variants} == {"url:webtoy.example.org"}
    assert url_key("https://webtoy.example.org/tool") != url_key("https://webtoy.example.org")


def test_listings_sharing_a_doi_in_one_version_merge_and_a_shared_repo_does_not() -> None:
    parsed = parse_list((HISTORY / "versions" / "v5.md").read_text(encoding="utf-8"))
    entities = merge_entities(parsed)
    assert len(parsed.entries) == 9
    assert len(entities) == 8
    seq = next(e for e in entities if e.title.startswith("SeqToy"))
    assert [e.title for e in seq.listings] == [
        "SeqToy: sequences from toys",
        "SeqToy 2: more sequences from toys",
    ]
    assert [link.url for link in seq.links] == [
        "https://www.biorxiv.org/content/10.1101/777777v1",
        "https://www.biorxiv.org/content/10.1101/777777v2.full",
    ]
    tools = [e for e in entities if e.title.startswith("Tool")]
    assert [(e.title, len(e.listings)) for e in tools] == [
        ("ToolA: alpha from the toolkit", 1),
        ("ToolB: beta from the toolkit", 1),
    ]


@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("**T** [[code](https://github.com/a/b)]\n\nWhat T does, in the list's words.\n", True),
        ("**T** [[code](https://github.com/a/b)]\n", False),
        (
            "**T** (one [[paper](https://doi.org/10.9999/x)] out of several toy papers here)\n",
            False,
        ),
        (
            "**T** [[code](https://github.com/a/b)] a note long enough to count as a description\n",
            True,
        ),
    ],
    ids=["paragraph", "links-only", "parenthetical-aside", "long-note"],
)
def test_what_counts_as_a_list_description(text: str, described: bool) -> None:
    (entity,) = merge_entities(parse_list(text))
    assert describes(entity) is described


# The history files and the report


def test_history_records_are_exact() -> None:
    report, files = import_history(HISTORY, HISTORY / "data")
    assert files[HISTORY_FILE] == EXPECTED_HISTORY
    assert files[VERSIONS_FILE] == EXPECTED_VERSIONS
    assert report.as_json() == {
        "versions": 5,
        "entries_seen": 9,
        "matched": 9,
        "lost": [],
        "never_listed": [],
        "unparseable_lines": 0,
    }


def test_entry_whose_record_is_removed_is_lost(data: Path) -> None:
    drop_record(data, "methods.yaml", "method:moltoy")
    report, files = import_history(HISTORY, data)
    assert report.as_json()["lost"] == [
        {"title": "MolToy: molecules from toys", "first": _v(4), "last": _v(5)}
    ]
    assert (report.seen, len(report.matched), report.unlisted) == (9, 8, [])
    assert files[HISTORY_FILE] == [h for h in EXPECTED_HISTORY if h["entry"] != "method:moltoy"]


def test_record_that_no_version_lists_is_reported(data: Path) -> None:
    methods = yaml.safe_load((data / "methods.yaml").read_text(encoding="utf-8"))
    methods.append({"id": "method:ghost", "paper": "paper:ghost", "links": [
        {"label": "code", "url": "https://github.com/example-lab/Ghost", "kind": "code"}
    ]})  # fmt: skip
    papers = yaml.safe_load((data / "papers.yaml").read_text(encoding="utf-8"))
    papers.append({"id": "paper:ghost", "title": "Ghost: never in the toy list"})
    for name, records in (("methods.yaml", methods), ("papers.yaml", papers)):
        (data / name).write_text(yaml.safe_dump(records, sort_keys=False), encoding="utf-8")
    report, files = import_history(HISTORY, data)
    assert report.unlisted == [
        {"id": "method:ghost", "file": "methods.yaml", "title": "Ghost: never in the toy list"}
    ]
    assert (len(report.matched), report.lost) == (9, [])
    assert files[HISTORY_FILE] == EXPECTED_HISTORY


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (None, "no versions.tsv"),
        ("file\tcommit\tdate\n", "lists no version"),
        ("file\tcommit\tdate\nv1.md\t\t2017-01-10\n", "line 2: needs file, commit and date"),
        ("file\tcommit\tdate\nv1.md\tc0ffee01\t2017-01-10\nv9.md\tc0ffee09\t2020-01-01\n",
         "line 3: no file v9.md"),
    ],
    ids=["no-table", "empty-table", "empty-cell", "missing-file"],
)  # fmt: skip
def test_bad_versions_folder_is_a_versions_error(
    tmp_path: Path, table: str | None, message: str
) -> None:
    shutil.copytree(HISTORY / "versions", tmp_path / "versions")
    if table is not None:
        (tmp_path / "versions.tsv").write_text(table, encoding="utf-8")
    with pytest.raises(VersionsError, match=message):
        read_versions(tmp_path)


# The command


def test_cli_writes_the_history_and_reports_the_newest_version(
    runner: CliRunner, data: Path, tmp_path: Path
) -> None:
    report_file = tmp_path / "report.json"
    result = invoke(runner, str(HISTORY), "--into", str(data), "--report", str(report_file))
    assert result.exit_code == 0, result.output
    assert "import-list: every version" in result.output
    assert (
        f"Listing history written to {data / VERSIONS_FILE}, {data / HISTORY_FILE}" in result.output
    )
    assert "Newest version: v5.md" in result.output
    assert "Withdrawn" in result.output and "method:retirednet" in result.output
    assert "Missing from the list" not in result.output
    assert "Entries with no record" not in result.output
    assert "0 draft file(s) written" in result.output
    for name, expected in ((HISTORY_FILE, EXPECTED_HISTORY), (VERSIONS_FILE, EXPECTED_VERSIONS)):
        text = (data / name).read_text(encoding="utf-8")
        assert text.startswith(OWNED_HEADER)
        assert yaml.safe_load(text) == expected
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["counts"] == NEWEST_COUNTS
    assert (report["withdrawn"], report["missing"], report["written"]) == (
        ["method:retirednet"],
        [],
        [],
    )
    assert report["list"] == str(HISTORY / "versions" / "v5.md")
    assert report["history"] == {
        "versions": 5, "entries_seen": 9, "matched": 9, "lost": [], "never_listed": [],
        "unparseable_lines": 0,
    }  # fmt: skip


def test_cli_dry_run_writes_nothing_and_reports_the_same(
    runner: CliRunner, data: Path, tmp_path: Path
) -> None:
    before = snapshot(data)
    report_file = tmp_path / "report.json"
    args = [str(HISTORY), "--into", str(data), "--dry-run", "--report", str(report_file)]
    result = invoke(runner, *args)
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing written." in result.output
    assert "Listing history written" not in result.output
    assert snapshot(data) == before
    # Withdrawn goes by the history just computed, not by a history.yaml on disk (there is none).
    assert json.loads(report_file.read_text(encoding="utf-8"))["counts"] == NEWEST_COUNTS


def test_cli_dry_run_ignores_a_stale_history_file(runner: CliRunner, data: Path) -> None:
    stale = [h | {"listing_status": "listed"} for h in EXPECTED_HISTORY]
    (data / HISTORY_FILE).write_text(yaml.safe_dump(stale), encoding="utf-8")
    result = invoke(runner, str(HISTORY), "--into", str(data), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Withdrawn" in result.output
    assert "Missing from the list" not in result.output


def test_cli_reports_a_lost_entry_and_drafts_it(
    runner: CliRunner, data: Path, tmp_path: Path
) -> None:
    drop_record(data, "methods.yaml", "method:moltoy")
    report_file = tmp_path / "report.json"
    result = invoke(runner, str(HISTORY), "--into", str(data), "--report", str(report_file))
    assert result.exit_code == 0, result.output
    assert "Entries with no record (lost)" in result.output
    assert "MolToy: molecules from toys" in result.output
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["history"]["lost"] == [
        {"title": "MolToy: molecules from toys", "first": _v(4), "last": _v(5)}
    ]
    assert [n["title"] for n in report["new"]] == ["MolToy: molecules from toys"]
    assert report["counts"] == NEWEST_COUNTS | {"new": 1, "unchanged": 7}
    assert report["written"] == [report["new"][0]["draft"]]
    assert (data / report["new"][0]["draft"]).is_file()


@pytest.mark.parametrize("drop", [False, True], ids=["all-matched", "one-lost"])
def test_second_run_writes_identical_files(runner: CliRunner, data: Path, drop: bool) -> None:
    if drop:
        drop_record(data, "methods.yaml", "method:moltoy")
    first = invoke(runner, str(HISTORY), "--into", str(data))
    assert first.exit_code == 0, first.output
    after_first = snapshot(data)
    assert {HISTORY_FILE, VERSIONS_FILE} <= set(after_first)
    second = invoke(runner, str(HISTORY), "--into", str(data))
    assert second.exit_code == 0, second.output
    assert "0 draft file(s) written" in second.output
    assert snapshot(data) == after_first


def test_versions_tsv_naming_a_missing_file_is_a_usage_error(
    runner: CliRunner, data: Path, tmp_path: Path
) -> None:
    folder = Path(
        shutil.copytree(HISTORY, tmp_path / "versions-dir", ignore=shutil.ignore_patterns("data"))
    )
    with (folder / "versions.tsv").open("a", encoding="utf-8") as table:
        table.write("v6.md\tc0ffee0600112233445566778899aabbccddeeff\t2020-01-01\tnot there\n")
    before = snapshot(data)
    result = invoke(runner, str(folder), "--into", str(data))
    assert result.exit_code == 2
    assert "line 7: no file v6.md" in result.output
    assert snapshot(data) == before


def test_folder_without_versions_tsv_is_a_usage_error(
    runner: CliRunner, data: Path, tmp_path: Path
) -> None:
    before = snapshot(data)
    result = invoke(runner, str(tmp_path / "data"), "--into", str(data))
    assert result.exit_code == 2
    assert "no versions.tsv" in result.output
    assert snapshot(data) == before
