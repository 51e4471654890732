"""The ``dlbio`` command line: validate, build, stats, query, serve, import-list.

Exit codes: 0 ok, 1 data invalid (or build failed), 2 usage error.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.table import Table

from kg.console import messages as console
from kg.console import results as out
from kg.errors import BuildFailed, DataInvalid
from kg.export_cli import export
from kg.import_cli import import_list
from kg.namespaces import compact
from kg.paths import Paths, default_paths

EXIT_INVALID = 1
EXIT_USAGE = 2

data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Curated data folder.",
)
build_option = click.option(
    "--build-dir", type=click.Path(file_okay=False, path_type=Path), help="Build output folder."
)


def _paths(data_dir: Path | None = None, build_dir: Path | None = None) -> Paths:
    return default_paths(data=data_dir, build=build_dir)


@contextmanager
def _steps() -> Iterator[object]:
    """Show each build step with a spinner, then a tick and its duration."""
    started = {"name": None, "t": time.perf_counter()}
    with console.status("Starting…") as status:

        def step(name: str) -> None:
            _finish(started)
            started.update(name=name, t=time.perf_counter())
            status.update(f"{name}…")

        yield step
        _finish(started)


def _finish(started: dict) -> None:
    if started["name"]:
        console.print(f"[green]✓[/] {started['name']} ({time.perf_counter() - started['t']:.2f} s)")


def _fail_invalid(exc: DataInvalid | BuildFailed) -> None:
    if isinstance(exc, DataInvalid):
        console.print(f"[red]✗ Data invalid: {len(exc.problems)} problem(s)[/]")
        for problem in exc.problems:
            console.print(f"  {problem}", markup=False)
    else:
        console.print("[red]✗ Build failed:[/]")
        console.print(str(exc), markup=False)
    console.print("The previously built KG (if any) is unchanged.")
    sys.exit(EXIT_INVALID)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dlbio-kg")
def cli() -> None:
    """DLBio-KG: build and serve the knowledge graph of deep-learning methods in biology."""


@cli.command()
@data_option
def validate(data_dir: Path | None) -> None:
    """Validate the curated data against the schema, EDAM and the identifier rules."""
    from kg.build import load_and_validate

    try:
        with _steps() as step:
            records, _ = load_and_validate(_paths(data_dir), step)
    except DataInvalid as exc:
        _fail_invalid(exc)
    console.print(f"[green]Valid:[/] {len(records)} records")


@cli.command()
@data_option
@build_option
@click.option("--no-shacl", is_flag=True, help="Skip SHACL validation of the graph (faster).")
def build(data_dir: Path | None, build_dir: Path | None, no_shacl: bool) -> None:
    """Build the KG: validate, convert to RDF, check SHACL, write store and dumps, switch."""
    from kg.build import build as run_build

    try:
        with _steps() as step:
            result = run_build(_paths(data_dir, build_dir), step, check_shacl=not no_shacl)
    except (DataInvalid, BuildFailed) as exc:
        _fail_invalid(exc)
    console.print(
        f"[green]Built[/] version {result.version}: {result.triples} triples in {result.release}"
    )


def _current_store(build_dir: Path | None):
    from kg.query import open_store

    try:
        return open_store(_paths(build_dir=build_dir).current)
    except (FileNotFoundError, OSError) as exc:
        raise click.UsageError(str(exc)) from exc


@cli.command()
@build_option
def stats(build_dir: Path | None) -> None:
    """Entity counts per class and the EDAM terms used, read from the built store."""
    from kg import stats as kg_stats
    from kg.schema import ensure_artifacts

    store = _current_store(build_dir)
    paths = _paths(build_dir=build_dir)
    artifacts = ensure_artifacts(paths.schema, paths.generated)
    names = {uri: name for name, uri in artifacts.class_uris.items() if name != "NamedThing"}
    counts = Table("schema class", "RDF class", "entities", title="Entities per class")
    for cls, n in kg_stats.class_counts(store):
        counts.add_row(names.get(cls, ""), compact(cls), str(n))
    out.print(counts)
    by_name = {names.get(cls): n for cls, n in kg_stats.class_counts(store)}
    methods, reviews = by_name.get("Method", 0), by_name.get("Review", 0)
    resources = by_name.get("Resource", 0)
    out.print(
        f"List entries: {methods} methods + {reviews} reviews + {resources} resources"
        f" = {methods + reviews + resources}"
    )
    out.print(
        f"Methods linked to the paper that describes them: {kg_stats.methods_with_paper(store)}"
    )
    out.print(
        f"Methods with what they predict (EDAM output): {kg_stats.methods_with_output(store)}"
    )
    listing = Table("status", "entries", "no description in the list", title="Listing status")
    for status, n, bare in kg_stats.listing(store):
        listing.add_row(compact(status), str(n), str(bare))
    out.print(listing)
    relations = Table("relation", "stated", "inferred", title="Relations between methods")
    for prop, stated, inferred in kg_stats.relations(store):
        relations.add_row(compact(prop), str(stated), str(inferred))
    out.print(relations)
    terms = Table("EDAM term", "label", "methods", title="EDAM terms used by methods")
    for term, label, n in kg_stats.edam_terms_used(store):
        terms.add_row(compact(term), label, str(n))
    out.print(terms)


@cli.command()
@click.argument("query_or_file")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "tsv", "xml", "ttl", "nt", "jsonld"]),
    help="table/json/csv/tsv/xml for SELECT and ASK; ttl/nt/jsonld for CONSTRUCT and DESCRIBE.",
)
@build_option
def query(query_or_file: str, fmt: str | None, build_dir: Path | None) -> None:
    """Run a SPARQL query (text or .rq file) against the built KG."""
    from kg.query import QueryUsageError, read_query, run_query

    store = _current_store(build_dir)
    try:
        result = run_query(store, read_query(query_or_file), fmt)
    except (QueryUsageError, OSError) as exc:
        raise click.UsageError(str(exc)) from exc
    if isinstance(result, bytes):
        sys.stdout.buffer.write(result)
        sys.stdout.flush()
    else:
        out.print(result)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", type=int, help="Number of worker processes.")
@click.option("--threads", type=int, help="Request threads per worker (DLBIO_THREADS).")
@click.option(
    "--load",
    "load",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Serve these RDF files instead of the built KG (repeatable).",
)
@click.option("--timeout", type=float, help="Query deadline in seconds (DLBIO_QUERY_TIMEOUT).")
@click.option("--access-log", is_flag=True, help="Write one line per request to stdout.")
@build_option
def serve(
    host: str,
    port: int,
    workers: int | None,
    threads: int | None,
    load: tuple[str, ...],
    timeout: float | None,
    access_log: bool,
    build_dir: Path | None,
) -> None:
    """Serve the built KG (or --load files) over SPARQL and linked data on HOST:PORT.

    Prints the URL once it listens; stop it with Ctrl-C.
    """
    from server.graph.store import KGError
    from server.runtime.serve import PortUnavailable, run

    # --build-dir or DLBIO_BUILD_DIR name the build folder; else the server's DLBIO_KG_DIR applies
    chosen = build_dir or os.environ.get("DLBIO_BUILD_DIR")
    kg_dir = str(_paths(build_dir=build_dir).current) if chosen and not load else None
    try:
        run(
            host=host,
            port=port,
            workers=workers,
            load=load,
            kg_dir=kg_dir,
            timeout=timeout,
            threads=threads,
            access_log=access_log,
        )
    except PortUnavailable as exc:
        console.print(f"dlbio serve: {exc}", markup=False)
        sys.exit(EXIT_USAGE)
    except KGError as exc:
        raise click.UsageError(str(exc)) from exc


cli.add_command(import_list)
cli.add_command(export)


def main() -> None:
    """Console-script entry point: run the command, then end the process without tearing the
    interpreter down when nothing is left to finish (as mypy does).

    Freeing every object of LinkML's import graph one by one took 0.5-0.7 s after each build,
    longer than most of the build's steps. Files are closed and children joined by then; logging
    and the standard streams are flushed here. With non-daemon threads or child processes still
    running, the normal exit (which waits for them) is taken.
    """
    try:
        cli()
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    _exit(code)


def _exit(code: int | str | None) -> None:
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    import logging
    import threading

    logging.shutdown()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a reader gone (``dlbio query … | head``): nothing more can be said
        os._exit(code or 1)
    processes = sys.modules.get("multiprocessing")
    waited_for = [
        t for t in threading.enumerate() if not t.daemon and t is not threading.main_thread()
    ]
    if not waited_for and not (processes and processes.active_children()):
        os._exit(code or 0)
    sys.exit(code)
