"""``dlbio export``: write the KG in other registries' formats (``dlbio export biotools``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.console import messages as console
from kg.export_biotools import export as export_biotools
from kg.paths import default_paths


@click.group("export")
def export() -> None:
    """Write the built KG in other registries' formats."""


@export.command("biotools")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: BUILD/biotools).",
)
@click.option(
    "--build-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Build folder whose current release is exported.",
)
def biotools(out: Path | None, build_dir: Path | None) -> None:
    """One bio.tools (biotoolsSchema) JSON record per method, checked against its JSON schema's rules."""
    paths = default_paths(build=build_dir)
    source = paths.current / "dlbio.nt"
    if not source.is_file():
        console.print(f"[red]no built KG at {paths.current}[/]: run `dlbio build` first")
        sys.exit(1)
    written = export_biotools(source, out or paths.build / "biotools")
    bad = [(path, found) for path, found in written if found]
    for path, found in bad:
        for problem in found:
            console.print(f"[red]✗[/] {path.name}: {problem}")
    console.print(
        f"wrote {len(written)} records to {out or paths.build / 'biotools'}"
        f" ({len(bad)} with problems)"
    )
    sys.exit(1 if bad else 0)
