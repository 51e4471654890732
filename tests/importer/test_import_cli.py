"""``dlbio import-list`` through click's test runner: output, files written, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.import_cli import import_list

from .conftest import FIXTURES

QUIRKS = str(FIXTURES / "quirks.md")
MALFORMED = str(FIXTURES / "malformed.md")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_command_is_named_import_list() -> None:
    assert import_list.name == "import-list"


def test_import_writes_drafts_and_exits_0(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(import_list, [QUIRKS, "--into", str(tmp_path)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "New entries" in result.output
    assert "12 draft file(s) written" in result.output
    assert len(list((tmp_path / "drafts").glob("*.yaml"))) == 12


def test_dry_run_writes_nothing_but_the_requested_report(runner: CliRunner, tmp_path: Path) -> None:
    into, report = tmp_path / "data", tmp_path / "report.json"
    into.mkdir()
    args = [QUIRKS, "--into", str(into), "--dry-run", "--report", str(report)]
    result = runner.invoke(import_list, args)
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing written." in result.output
    assert list(into.iterdir()) == []
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["counts"] == {
        "new": 8, "changed": 0, "unchanged": 0, "missing": 0, "withdrawn": 0, "new_subfields": 4
    }  # fmt: skip
    assert (data["written"], data["problems"]) == ([], [])
    assert data["new"][0]["title"] == "A made-up review of deep nets for cells"


def test_second_import_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    runner.invoke(import_list, [QUIRKS, "--into", str(tmp_path)])
    result = runner.invoke(import_list, [QUIRKS, "--into", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "0 draft file(s) written" in result.output
    assert "New entries" not in result.output


def test_unparseable_lines_are_listed_and_exit_1(runner: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    args = [MALFORMED, "--into", str(tmp_path), "--report", str(report)]
    result = runner.invoke(import_list, args, terminal_width=200)
    assert result.exit_code == 1
    assert "Unparseable lines" in result.output
    assert "unclosed bold title" in result.output
    problems = json.loads(report.read_text(encoding="utf-8"))["problems"]
    assert [p["line"] for p in problems] == [5, 9, 11, 15]
    assert len(list((tmp_path / "drafts").glob("*.yaml"))) == 6  # 5 entries and their section


def test_default_folder_comes_from_dlbio_data_dir(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DLBIO_DATA_DIR", str(tmp_path))
    result = runner.invoke(import_list, [QUIRKS])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "drafts" / "toynet.yaml").exists()


@pytest.mark.parametrize(
    ("file", "content", "message"),
    [
        ("methods.yaml", "- id: [unclosed\n", "unreadable YAML"),
        ("papers.yaml", "id: paper:x\n", "expected a YAML list"),
        ("drafts/x.yaml", "- not a mapping\n", "expected a YAML dict"),
    ],
)
def test_data_file_of_wrong_shape_exits_1(
    runner: CliRunner, tmp_path: Path, file: str, content: str, message: str
) -> None:
    (tmp_path / "drafts").mkdir()
    (tmp_path / file).write_text(content, encoding="utf-8")
    result = runner.invoke(import_list, [QUIRKS, "--into", str(tmp_path)])
    assert result.exit_code == 1
    assert message in result.output
    assert [p.name for p in (tmp_path / "drafts").iterdir()] == (["x.yaml"] if "x" in file else [])


@pytest.mark.parametrize(
    "args",
    [["missing.md"], [QUIRKS, "--bogus"], []],
    ids=["missing-list", "unknown-option", "no-argument"],
)
def test_usage_errors_exit_2(runner: CliRunner, tmp_path: Path, args: list[str]) -> None:
    result = runner.invoke(import_list, [*args, "--into", str(tmp_path)])
    assert result.exit_code == 2
    assert not (tmp_path / "drafts").exists()


def test_list_that_is_not_utf8_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"## S\n\n**T\xff** [[code](https://github.com/a/b)]\n")
    result = runner.invoke(import_list, [str(bad), "--into", str(tmp_path)])
    assert result.exit_code == 2
    assert "not UTF-8" in result.output
