"""``dlbio import-list LIST.md [--into DIR] [--dry-run] [--report FILE]``.

Reads a markdown list, compares it with the records of the data folder (curated files and
earlier drafts in ``DIR/drafts/``) and prints what is new, changed (title, links or sections) and
missing, plus every line it could not parse. New entries and new sections are written as drafts
to ``DIR/drafts/`` (never over an existing file, never into a curated file); ``--dry-run`` writes
no drafts. ``--report FILE`` also writes the report as JSON (even with ``--dry-run``).

Exit codes: 0 the list was read completely (differences are not errors); 1 some lines could not
be parsed as intended (they are listed with line numbers, and what could be recovered from them
is still imported) or a file of the data folder is not YAML of the expected shape; 2 usage error (missing list file,
bad option, list not UTF-8).
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from kg import importer
from kg.importer import Report
from kg.paths import default_paths

EXIT_PROBLEMS = 1


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


@click.command("import-list")
@click.argument("list_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--into",
    type=click.Path(file_okay=False, path_type=Path),
    help="Data folder to compare with and write drafts to (default: data/, or DLBIO_DATA_DIR).",
)
@click.option("--dry-run", is_flag=True, help="Report only; write no drafts.")
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the report as JSON to this file.",
)
def import_list(
    list_file: Path, into: Path | None, dry_run: bool, report_file: Path | None
) -> None:
    """Compare LIST_FILE with the data folder: report new, changed and missing entries."""
    into = into or default_paths().data
    try:
        text = list_file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.BadParameter(f"not UTF-8: {exc.reason}", param_hint="LIST_FILE") from exc
    try:
        report = importer.import_list(text, into, list_file.stem)
    except importer.FolderError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(EXIT_PROBLEMS) from exc
    written = [] if dry_run else importer.write_drafts(report, into)
    show(report, Console(highlight=False))
    click.echo(f"{len(written)} draft file(s) written to {into / 'drafts'}" if not dry_run
               else "Dry run: nothing written.")  # fmt: skip
    if report_file:
        data = report.as_json() | {"list": str(list_file), "into": str(into), "written": written}
        report_file.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    if report.problems:
        raise SystemExit(EXIT_PROBLEMS)
