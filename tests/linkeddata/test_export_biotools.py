"""``dlbio export biotools``: one biotoolsSchema record per method, facts only from the KG, every
record valid against the official biotoolsSchema JSON schema (``tests/fixtures/biotoolsschema``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from kg import biotools_rules
from kg.build import BuildResult
from kg.cli import cli
from kg.export_biotools import biotools_name, problems

EDAM_URI = r"^http://edamontology\.org/{}_\d{{4}}$"
OFFICIAL = Path(__file__).parents[1] / "fixtures" / "biotoolsschema" / "biotoolsj.json"
TOOL = "#/definitions/tool/properties/"


@pytest.fixture(scope="module")
def official() -> dict:
    """The official biotoolsSchema JSON schema (draft-04; its top level is an array of tools)."""
    return json.loads(OFFICIAL.read_text(encoding="utf-8"))


def test_the_official_schema_is_draft_04_but_for_one_duplicate_licence(official: dict) -> None:
    # Upstream lists "EPL-2.0" twice in the licence enum, which draft-04 forbids (items unique);
    # it does not change what validates. Any other defect of the copy fails here.
    meta = jsonschema.Draft4Validator(jsonschema.Draft4Validator.META_SCHEMA)
    errors = [(list(e.absolute_path), e.validator) for e in meta.iter_errors(official)]
    assert errors == [(["definitions", "tool", "properties", "license", "enum"], "uniqueItems")]


@pytest.fixture(scope="module")
def validator(official: dict) -> jsonschema.Draft4Validator:
    return jsonschema.Draft4Validator(official)


def at(schema: dict, pointer: str):
    """The part of ``schema`` at a JSON pointer such as ``#/definitions/tool``."""
    node = schema
    for part in pointer.removeprefix("#/").split("/"):
        node = node[part]
    return node


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
        entry = by_name[biotools_name(method["name"])]
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


def test_every_record_passes_the_official_biotools_json_schema(exported: dict, validator) -> None:
    failures = {
        name: [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors([entry])]
        for name, entry in sorted(exported.items())
    }
    assert {name: found for name, found in failures.items() if found} == {}
    assert validator.is_valid(list(exported.values()))


@pytest.mark.parametrize(
    ("ours", "pointer"),
    [
        ("name", TOOL + "name/pattern"),
        ("biotoolsID", "#/definitions/biotoolsIdType/pattern"),
        ("biotoolsCURIE", TOOL + "biotoolsCURIE/pattern"),
        ("topic", TOOL + "topic/items/properties/uri/pattern"),
        ("operation", TOOL + "function/items/properties/operation/items/properties/uri/pattern"),
        ("data", "#/definitions/EDAMdata/properties/uri/pattern"),
        ("format", "#/definitions/EDAMformat/properties/uri/pattern"),
        ("doi", TOOL + "publication/items/properties/doi/pattern"),
    ],
)
def test_patterns_are_the_official_schema_s(official: dict, ours: str, pointer: str) -> None:
    assert biotools_rules.PATTERNS[ours] == at(official, pointer)


@pytest.mark.parametrize(
    ("ours", "pointer"),
    [
        ("toolType", TOOL + "toolType/items/enum"),
        ("link type", TOOL + "link/items/properties/type/items/enum"),
        ("documentation type", TOOL + "documentation/items/properties/type/items/enum"),
        ("typeRole", TOOL + "credit/items/properties/typeRole/items/enum"),
    ],
)
def test_enums_are_the_official_schema_s(official: dict, ours: str, pointer: str) -> None:
    assert biotools_rules.ENUMS[ours] == tuple(at(official, pointer))


@pytest.mark.parametrize(
    ("kind", "pointer"),
    [
        ("tool", "#/definitions/tool"),
        ("term", TOOL + "topic/items"),
        ("function", TOOL + "function/items"),
        ("side", TOOL + "function/items/properties/input/items"),
        ("publication", TOOL + "publication/items"),
        ("link", TOOL + "link/items"),
        ("documentation", TOOL + "documentation/items"),
        ("credit", TOOL + "credit/items"),
    ],
)
def test_object_properties_are_the_official_schema_s(official: dict, kind: str, pointer: str) -> None:
    node = at(official, pointer)
    assert node["additionalProperties"] is False
    assert biotools_rules.OBJECT_KEYS[kind] == tuple(node["properties"])
    assert biotools_rules.REQUIRED_KEYS.get(kind, ()) == tuple(node.get("required", ()))


@pytest.mark.parametrize(
    ("ours", "pointer"),
    [("name", TOOL + "name"), ("description", TOOL + "description"),
     ("credit name", TOOL + "credit/items/properties/name")],
)
def test_lengths_are_the_official_schema_s(official: dict, ours: str, pointer: str) -> None:
    node = at(official, pointer)
    assert biotools_rules.LENGTHS[ours] == (node["minLength"], node["maxLength"])


OPERATION = {"uri": "http://edamontology.org/operation_0438", "term": "x"}
TOPIC_URI = "http://edamontology.org/topic_0749"
CHANGES = [
    # each breaks one rule of the official schema ...
    {"name": "DNA–protein binding"}, {"name": "Yeast 5′ UTR"}, {"name": ""}, {"name": "x" * 101},
    {"name": 7}, {"description": "short"}, {"homepage": None}, {"biotoolsID": "bad id!"},
    {"biotoolsID": "tilde~id"}, {"biotoolsCURIE": "bt:danq"},
    {"topic": [{"uri": "http://edamontology.org/operation_0438", "term": "x"}]},
    {"topic": [{"uri": TOPIC_URI, "label": "x"}]}, {"toolType": ["App"]},
    {"publication": [{"doi": "doi:10.1093/nar/gkw226"}]},
    {"link": [{"url": "https://example.org", "type": ["Code"]}]},
    {"link": [{"url": "https://example.org"}]},
    {"documentation": [{"url": "https://example.org", "type": []}]},
    {"credit": [{"name": "x", "typeRole": ["Owner"]}]}, {"credit": [{"url": "https://x.org"}]},
    {"credit": [{"name": ""}]}, {"unknown": "x"},
    {"function": [{"operation": []}]}, {"function": [{"input": []}]},
    {"function": [{"operation": [{"uri": TOPIC_URI}]}]},
    {"function": [{"operation": [OPERATION],
                   "input": [{"data": {"uri": "http://edamontology.org/format_1929"}}]}]},
    {"function": [{"operation": [OPERATION], "input": [{"format": []}]}]},
    {"function": [{"operation": [OPERATION], "output": [
        {"data": {"uri": "http://edamontology.org/data_2044"},
         "format": [{"uri": "http://edamontology.org/data_2044"}]}]}]},
    # ... and these break none
    {"name": "A (b) + c, d.e: f; g_h-i"}, {"toolType": ["Command-line tool", "Library"]},
    {"function": [{"operation": [OPERATION]}]}, {"publication": [{"doi": "10.1038/nbt.3300"}]},
]


@pytest.mark.parametrize("change", CHANGES, ids=[json.dumps(c)[:40] for c in CHANGES])
def test_exporter_check_agrees_with_the_official_schema(exported: dict, validator, change) -> None:
    entry = {**exported["danq"], **change}
    assert (biotools_rules.schema_problems(entry) == []) == validator.is_valid([entry]), entry


def test_exporter_check_agrees_on_every_real_record(exported: dict, validator) -> None:
    for name, entry in exported.items():
        assert biotools_rules.schema_problems(entry) == [], name
        assert validator.is_valid([entry]), name


def test_a_missing_required_property_is_a_problem_for_both(exported: dict, validator) -> None:
    entry = {key: value for key, value in exported["danq"].items() if key != "homepage"}
    assert not validator.is_valid([entry])
    assert "record: homepage is required" in biotools_rules.schema_problems(entry)


@pytest.mark.parametrize(
    ("name", "spelt"),
    [
        ("CNN architectures for DNA–protein binding", "CNN architectures for DNA-protein binding"),
        ("Yeast 5′ UTR regulatory grammar model", "Yeast 5 prime UTR regulatory grammar model"),
        ("DeepSEA — chromatin effects", "DeepSEA - chromatin effects"),
        ("Exon−intron", "Exon-intron"),
        ("Café", "Cafe"),
        ("DanQ", "DanQ"),
    ],
)
def test_names_are_spelt_in_the_schema_s_characters(name: str, spelt: str) -> None:
    assert biotools_name(name) == spelt


def test_a_name_with_no_spelling_is_kept_and_reported(exported: dict) -> None:
    entry = {**exported["danq"], "name": biotools_name("α-helix predictor")}
    assert entry["name"] == "α-helix predictor"
    assert any("name" in problem for problem in problems(entry))


def test_respelt_names_are_the_only_changed_ones(exported: dict, curated) -> None:
    spelt = {biotools_name(m["name"]) for m in curated("methods.yaml")}
    assert {entry["name"] for entry in exported.values()} <= spelt
    assert "Yeast 5 prime UTR regulatory grammar model" in spelt
