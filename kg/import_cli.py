"""``dlbio import-list LIST.md [--into DIR] [--dry-run] [--report FILE]``.

Reads a markdown list, compares it with the records of the data folder (curated files and
earlier drafts in ``DIR/drafts/``) and prints what is new, changed (title, links or sections) and
missing, plus every line it could not parse. New entries and new sections are written as drafts
to ``DIR/drafts/`` (never over an existing file, never into a curated file); ``--dry-run`` writes
no drafts. ``--report FILE`` also writes the report as JSON (even with ``--dry-run``).

LIST may also be a folder of list versions (``versions.tsv``, :mod:`kg.importer_history`): the
listing history of every entry is written to ``DIR/versions.yaml`` and ``DIR/history.yaml``
(not with ``--dry-run``), and the newest version is compared as above, records the history says
the list withdrew being reported as withdrawn, not missing (by the history just computed, so a
dry run reports the same as a real one).

Exit codes: 0 the list was read completely (differences are not errors); 1 some lines could not
be parsed as intended (they are listed with line numbers, and what could be recovered from them
is still imported) or a file of the data folder is not YAML of the expected shape; 2 usage error
(missing list file, bad option, list not UTF-8, a versions folder without a ``versions.tsv`` or
naming a file it lacks).
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import yaml
from rich.console import Console
from rich.table import Table

from kg import importer
from kg.importer import Report
from kg.importer_drafts import Dumper
from kg.importer_history import (
    HISTORY_FILE,
    HistoryReport,
    VersionsError,
    import_history,
    read_versions,
)
from kg.paths import default_paths

EXIT_PROBLEMS = 1
OWNED_HEADER = (
    "# Written by `dlbio import-list VERSIONS_DIR` from every version of the list; do not edit:\n"
    "# rerun the import. The build checks it against the records and merges it into them.\n"
)


def _table(title: str, columns: list[str], rows: list[list[str]]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def _changes(item: dict) -> str:
    parts = []
    if "title" in item:
        parts.append(f"title: {item['title']['record']!r} → {item['title']['list']!r}")
    for name in ("links", "sections"):
        for sign, key in (("+", "added"), ("-", "removed")):
            parts += [f"{sign} {name[:-1]} {' '.join(v)}" for v in item.get(name, {}).get(key, [])]
    return "\n".join(parts)


def show(report: Report, console: Console) -> None:
    """Print the report as rich tables: counts, then each non-empty group."""
    data = report.as_json()
    counts = data["counts"] | {"problems": len(report.problems)}
    numbers = [str(report.entities), *(str(n) for n in counts.values())]
    console.print(_table("import-list", ["entities", *counts], [numbers]))
    groups = [
        ("New entries", ["line", "title", "sections", "draft"],
         [[str(n["line"]), n["title"], "\n".join(n["sections"]), n["draft"]] for n in report.new]),
        ("Changed entries", ["record", "file", "changes"],
         [[c["id"], c["file"], _changes(c)] for c in report.changed]),
        ("Missing from the list", ["record", "file", "title"],
         [[m["id"], m["file"], m["title"]] for m in report.missing]),
        ("Withdrawn", ["record"], [[w] for w in report.withdrawn]),
        ("New sections (subfields to curate)", ["line", "anchor", "section", "draft"],
         [[str(s["line"]), s["anchor"], s["section_path"], s["draft"]]
          for s in report.new_subfields]),
        ("Unparseable lines", ["line", "problem", "text"],
         [[str(p.line), p.message, p.text] for p in report.problems]),
        ("Notes for curators", ["line", "note", "text"],
         [[str(p.line), p.message, p.text] for p in report.notes]),
    ]  # fmt: skip
    for title, columns, rows in groups:
        if rows:
            console.print(_table(title, columns, rows))


def show_history(report: HistoryReport, console: Console) -> None:
    """Print the history report: counts, then entries with no record and records never listed."""
    counts = ["versions", "entries seen", "matched", "lost", "never listed", "unparseable lines"]
    numbers = [report.versions, report.seen, len(report.matched), len(report.lost),
               len(report.unlisted), report.problems]  # fmt: skip
    console.print(_table("import-list: every version", counts, [[str(n) for n in numbers]]))
    data = report.as_json()
    if data["lost"]:
        rows = [[x["title"], x["first"], x["last"]] for x in data["lost"]]
        console.print(_table("Entries with no record (lost)", ["title", "first", "last"], rows))
    if data["never_listed"]:
        rows = [[x["id"], x["file"], x["title"]] for x in data["never_listed"]]
        console.print(_table("Records no version lists", ["record", "file", "title"], rows))


def write_owned(files: dict[str, list], into: Path) -> list[str]:
    """Write the importer's own files (``versions.yaml``, ``history.yaml``) whole; return names."""
    for name, records in files.items():
        body = yaml.dump(records, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=2**16)
        (into / name).write_text(OWNED_HEADER + body, encoding="utf-8")
    return list(files)


def _read_list(list_file: Path) -> str:
    try:
        return list_file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.BadParameter(f"not UTF-8: {exc.reason}", param_hint="LIST") from exc


def _import_versions(folder: Path, into: Path, dry_run: bool) -> tuple[Path, dict, list[dict]]:
    """History over every version: show it, write the importer's files (unless ``dry_run``).

    Returns the newest version's path, the history report and the ``history.yaml`` records.
    """
    try:
        history, files = import_history(folder, into)
        newest = read_versions(folder)[-1].file
    except VersionsError as exc:
        raise click.BadParameter(str(exc), param_hint="LIST") from exc
    except importer.FolderError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(EXIT_PROBLEMS) from exc
    show_history(history, Console(highlight=False))
    written = [] if dry_run else write_owned(files, into)
    if written:
        click.echo(f"Listing history written to {', '.join(str(into / n) for n in written)}")
    click.echo(f"Newest version: {newest.name}")
    return newest, history.as_json(), files[HISTORY_FILE]


@click.command("import-list")
@click.argument("list_file", metavar="LIST", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--into",
    type=click.Path(file_okay=False, path_type=Path),
    help="Data folder to compare with and write drafts to (default: data/, or DLBIO_DATA_DIR).",
)
@click.option("--dry-run", is_flag=True, help="Report only; write no drafts and no history.")
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the report as JSON to this file.",
)
def import_list(
    list_file: Path, into: Path | None, dry_run: bool, report_file: Path | None
) -> None:
    """Compare LIST (a list file, or a folder of versions with versions.tsv) with the data folder.

    For a folder, every version is read: the listing history of each entry is written to
    versions.yaml and history.yaml of the data folder, and the newest version is then compared
    as a single list would be.
    """
    into = into or default_paths().data
    history, records = None, None
    if list_file.is_dir():
        list_file, history, records = _import_versions(list_file, into, dry_run)
    text = _read_list(list_file)
    try:
        report = importer.import_list(text, into, list_file.stem, history=records)
    except importer.FolderError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(EXIT_PROBLEMS) from exc
    written = [] if dry_run else importer.write_drafts(report, into)
    show(report, Console(highlight=False))
    click.echo(f"{len(written)} draft file(s) written to {into / 'drafts'}" if not dry_run
               else "Dry run: nothing written.")  # fmt: skip
    if report_file:
        data = report.as_json() | {"list": str(list_file), "into": str(into), "written": written}
        data |= {"history": history} if history else {}
        report_file.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    if report.problems:
        raise SystemExit(EXIT_PROBLEMS)
