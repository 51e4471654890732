"""``dlbio export biotools``: one biotoolsSchema record per method, facts only from the KG."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import BuildResult
from kg.cli import cli
from kg.export_biotools import problems

EDAM_URI = r"^http://edamontology\.org/{}_\d{{4}}$"


@pytest.fixture(scope="module")
def exported(ld_release: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("biotools")
    build_dir = ld_release.release.parent.parent
    result = CliRunner().invoke(cli, ["export", "biotools", "--out", str(out),
                                      "--build-dir", str(build_dir)])
    assert result.exit_code == 0, result.output
    return {p.name.removesuffix(".biotools.json"): json.loads(p.read_text())
            for p in Path(out).glob("*.biotools.json")}


def test_one_record_per_current_method(exported: dict, curated) -> None:
    assert len(exported) == len(curated("methods.yaml"))


def test_every_record_follows_the_biotools_schema_rules(exported: dict) -> None:
    for name, entry in exported.items():
        assert problems(entry) == [], name
        assert re.fullmatch(r"[_a-zA-Z0-9.~-]+", entry["biotoolsID"])
        assert entry["biotoolsCURIE"] == f"biotools:{entry['biotoolsID']}"
        assert all(re.match(EDAM_URI.format("topic"), t["uri"]) for t in entry["topic"])
        for function in entry["function"]:
            assert all(re.match(EDAM_URI.format("operation"), o["uri"]) for o in function["operation"])


def test_edam_terms_publication_and_code_are_the_curated_facts(exported: dict, curated) -> None:
    papers = {p["id"]: p for p in curated("papers.yaml")}
    by_name = {entry["name"]: entry for entry in exported.values()}
    for method in curated("methods.yaml"):
        entry = by_name[method["name"]]
        expand = lambda curie: "http://edamontology.org/" + curie.split(":", 1)[1]  # noqa: E731
        assert sorted(t["uri"] for t in entry["topic"]) == sorted(map(expand, method["edam_topics"]))
        operations = entry["function"][0]["operation"]
        assert sorted(o["uri"] for o in operations) == sorted(map(expand, method["edam_operations"]))
        doi = papers[method["paper"]].get("doi")
        assert entry.get("publication", []) == ([{"doi": doi}] if doi else [])
        code = sorted(r["url"] for r in method.get("code_repositories", []))
        assert sorted(link["url"] for link in entry.get("link", [])) == code


def test_registered_tools_keep_their_biotools_id(exported: dict) -> None:
    assert exported["dcell"]["biotoolsID"] == "dcell"
    assert exported["dcell"]["homepage"] == "http://d-cell.ucsd.edu"
    assert exported["dcell"]["toolType"] == ["Web application"]


def test_labels_are_edam_labels(exported: dict) -> None:
    assert exported["danq"]["topic"] == [
        {"uri": "http://edamontology.org/topic_0749",
         "term": "Transcription factors and regulatory sites"}]


def test_formats_are_left_out_when_the_data_cannot_say_their_side(exported: dict) -> None:
    # FIDDLE reads signal tracks (WIG) and outputs features: data on both sides, so the
    # format could belong to either and is given to neither.
    function = exported["fiddle"]["function"][0]
    assert function["input"] and function["output"]
    assert not any("format" in item for side in ("input", "output") for item in function[side])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"biotoolsID": "bad id!"}, "biotoolsID"),
        ({"homepage": "not a url"}, "homepage"),
        ({"description": "short"}, "description"),
        ({"topic": [{"uri": "http://edamontology.org/operation_0438", "term": "x"}]}, "EDAM topic"),
    ],
)
def test_rule_checker_names_each_broken_rule(exported: dict, change: dict, message: str) -> None:
    broken = {**exported["danq"], **change}
    assert any(message in problem for problem in problems(broken))


def test_export_without_a_build_fails_cleanly(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "biotools", "--build-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "dlbio build" in result.output
