"""The `dlbio` command line: help, exit codes and query output formats."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse

from kg.cli import cli

SUBCOMMANDS = ["validate", "build", "stats", "query", "serve", "import-list"]


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_has_help(runner, name):
    result = runner.invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Usage: cli " + name in result.output or f"Usage: dlbio {name}" in result.output


def test_unknown_option_is_a_usage_error(runner):
    assert runner.invoke(cli, ["build", "--bogus"]).exit_code == 2


def _query(runner, built, *args):
    build_dir = str(built.release.parent.parent)
    return runner.invoke(cli, ["query", *args, "--build-dir", build_dir])


def test_select_as_table_compacts_iris(runner, built_fixture):
    result = _query(
        runner, built_fixture, "SELECT ?m WHERE { ?m a schema:SoftwareApplication } ORDER BY ?m"
    )
    assert result.exit_code == 0, result.output
    assert "method:danq" in result.output and "method:deepcpg" in result.output


def test_select_as_json_csv_tsv_xml(runner, built_fixture):
    query = (
        "SELECT ?name WHERE { ?m a schema:SoftwareApplication ; rdfs:label ?name } ORDER BY ?name"
    )
    as_json = json.loads(_query(runner, built_fixture, query, "--format", "json").output)
    assert [b["name"]["value"] for b in as_json["results"]["bindings"]] == ["DanQ", "DeepCpG"]
    rows = list(
        csv.reader(io.StringIO(_query(runner, built_fixture, query, "--format", "csv").output))
    )
    assert rows == [["name"], ["DanQ"], ["DeepCpG"]]
    tsv = _query(runner, built_fixture, query, "--format", "tsv").output.splitlines()
    assert tsv == ["?name", '"DanQ"', '"DeepCpG"']
    xml = _query(runner, built_fixture, query, "--format", "xml").output
    assert "<literal>DanQ</literal>" in xml


def test_ask_prints_true(runner, built_fixture):
    result = _query(runner, built_fixture, "ASK { ?s ?p ?o }")
    assert result.exit_code == 0 and result.output.strip() == "true"


@pytest.mark.parametrize(
    ("fmt", "rdf_format"),
    [("ttl", RdfFormat.TURTLE), ("nt", RdfFormat.N_TRIPLES), ("jsonld", RdfFormat.JSON_LD)],
)
def test_construct_in_rdf_formats(runner, built_fixture, fmt, rdf_format):
    query = (
        "CONSTRUCT { ?m rdfs:label ?n } WHERE { ?m a schema:SoftwareApplication ; rdfs:label ?n }"
    )
    args = [query] if fmt == "ttl" else [query, "--format", fmt]
    result = _query(runner, built_fixture, *args)
    assert result.exit_code == 0, result.output
    labels = {t.object.value for t in parse(result.stdout_bytes, format=rdf_format)}
    assert labels == {"DanQ", "DeepCpG"}


def test_query_from_an_rq_file(runner, built_fixture, tmp_path):
    path = tmp_path / "count.rq"
    path.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?m a schema:SoftwareApplication }")
    result = _query(runner, built_fixture, str(path), "--format", "csv")
    assert result.output.splitlines() == ["n", "2"]


def test_syntax_error_is_a_usage_error_with_the_parser_message(runner, built_fixture):
    result = _query(runner, built_fixture, "SELECT ?x WHERE { ?x ")
    assert result.exit_code == 2
    assert "SPARQL syntax error" in result.output


def test_wrong_format_for_the_query_form_is_a_usage_error(runner, built_fixture):
    result = _query(runner, built_fixture, "ASK { ?s ?p ?o }", "--format", "ttl")
    assert result.exit_code == 2


def test_query_without_a_build_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(cli, ["query", "ASK {}", "--build-dir", str(tmp_path)])
    assert result.exit_code == 2 and "dlbio build" in result.output


def test_stats_counts_per_class(runner, built_fixture):
    result = runner.invoke(cli, ["stats", "--build-dir", str(built_fixture.release.parent.parent)])
    assert result.exit_code == 0, result.output
    assert "Methods linked to the paper that describes them: 2" in result.output
    assert "List entries: 2 methods + 1 reviews + 0 resources = 3" in result.output
    assert "edam:topic_0749" in result.output


def test_serve_without_a_build_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(cli, ["serve", "--build-dir", str(tmp_path), "--port", "1"])
    assert result.exit_code == 2
    assert "run `dlbio build`" in result.output


def test_serve_reads_the_release_from_dlbio_kg_dir(runner, tmp_path, monkeypatch):
    """Without --build-dir the server's own setting names the release (one default, not two)."""
    monkeypatch.setenv("DLBIO_KG_DIR", str(tmp_path / "elsewhere"))
    result = runner.invoke(cli, ["serve", "--port", "0"])
    assert result.exit_code == 2
    assert "elsewhere" in result.output


def test_syntax_error_names_an_unknown_prefix_and_the_declared_ones(runner, built_fixture):
    result = _query(runner, built_fixture, "SELECT ?x WHERE { ?x foo:bar ?y }")
    assert result.exit_code == 2
    assert "error at 1:29: undeclared prefix foo: (in foo:bar)" in result.output
    assert "prefix declared for you: architecture, bibo," in result.output
    assert "\\u{" not in result.output


def test_syntax_error_places_a_misspelt_keyword_at_the_word(runner, built_fixture):
    result = _query(runner, built_fixture, "SELEC ?x WHERE { ?x ?p ?y }")
    assert result.exit_code == 2
    assert (
        "error at 1:1: unknown word 'SELEC'; expected here: BASE, PREFIX, SELECT" in result.output
    )
    assert "Did you mean SELECT?" in result.output


def test_syntax_error_says_a_brace_is_unclosed(runner, built_fixture):
    result = _query(runner, built_fixture, "SELECT ?x WHERE { ?x ?p ?y ")
    assert result.exit_code == 2
    assert "unclosed brace: the '{' opened at 1:17 is never closed" in result.output


def _console(*args: str) -> subprocess.CompletedProcess:
    """The installed ``dlbio`` console script (its entry point ends the process itself)."""
    dlbio = Path(sys.executable).parent / "dlbio"
    return subprocess.run([str(dlbio), *args], capture_output=True, text=True, timeout=300)


def test_console_script_build_exits_0_with_the_whole_report(fixture_paths):
    done = _console(
        "build", "--data", str(fixture_paths.data), "--build-dir", str(fixture_paths.build)
    )
    assert done.returncode == 0, done.stderr
    assert "Built version" in done.stderr
    assert (fixture_paths.current / "manifest.json").is_file()


def test_console_script_build_of_invalid_data_exits_1_and_says_why(fixture_paths):
    methods = fixture_paths.data / "methods.yaml"
    methods.write_text(methods.read_text() + "  - id: [unclosed\n")
    done = _console(
        "build", "--data", str(fixture_paths.data), "--build-dir", str(fixture_paths.build)
    )
    assert done.returncode == 1
    assert "methods.yaml" in done.stderr
    assert done.stderr.rstrip().endswith("The previously built KG (if any) is unchanged.")
    assert not fixture_paths.current.exists()


def test_console_script_output_is_complete_when_piped(built_fixture):
    """Everything written before the process ends reaches a pipe (the streams are flushed)."""
    build_dir = str(built_fixture.release.parent.parent)
    done = _console("query", "SELECT * { ?s ?p ?o }", "--format", "json", "--build-dir", build_dir)
    assert done.returncode == 0, done.stderr
    bindings = json.loads(done.stdout)["results"]["bindings"]  # a cut-off document fails here
    assert len(bindings) >= built_fixture.triples


def test_console_script_usage_error_exits_2():
    done = _console("query", "SELECT", "--format", "nonsense")
    assert done.returncode == 2
    assert "nonsense" in done.stderr
