"""Bad curated data: `dlbio validate` and `dlbio build` stop with exit 1, a message naming file,
record and field, and the previously built KG stays exactly as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kg.build import build
from kg.cli import cli
from kg.paths import Paths

Edit = Callable[[Path], None]


def _replace(file: str, old: str, new: str) -> Edit:
    def edit(data: Path) -> None:
        path = data / file
        text = path.read_text()
        assert old in text, f"fixture no longer contains {old!r}"
        path.write_text(text.replace(old, new, 1))

    return edit


def _append(file: str, text: str) -> Edit:
    def edit(data: Path) -> None:
        with (data / file).open("a") as handle:
            handle.write(text)

    return edit


CASES = {
    "malformed YAML": (
        _replace("methods.yaml", "  name: DanQ\n", "  name: DanQ\n   bad: [indent\n"),
        "methods.yaml: malformed YAML: line 3",
    ),
    "unknown field": (
        _replace("methods.yaml", "  name: DanQ\n", "  name: DanQ\n  colour: red\n"),
        "methods.yaml: record method:danq, field colour: unknown field",
    ),
    "missing required field": (
        _replace(
            "papers.yaml", "  title: DeepCpG - Predicting DNA methylation in single cells\n", ""
        ),
        "papers.yaml: record paper:deepcpg, field title: required field is missing",
    ),
    "duplicate ID": (
        _append(
            "frameworks.yaml", "- id: framework:keras\n  name: Keras again\n  description: Twice.\n"
        ),
        "frameworks.yaml: record framework:keras, field id: duplicate ID, also frameworks.yaml #1",
    ),
    "dangling reference": (
        _replace("methods.yaml", "paper: paper:danq", "paper: paper:nope"),
        "methods.yaml: record method:danq, field paper: dangling reference: no record paper:nope",
    ),
    "reference to the wrong class": (
        _replace("methods.yaml", "paper: paper:danq", "paper: framework:keras"),
        "methods.yaml: record method:danq, field paper: framework:keras is a SoftwareFramework, expected Paper",
    ),
    "EDAM term that does not exist": (
        _replace(
            "methods.yaml", "edam_topics: [edam:topic_0749]", "edam_topics: [edam:topic_9999]"
        ),
        "methods.yaml: record method:danq, field edam_topics[0]: edam:topic_9999 does not exist in the pinned EDAM release",
    ),
    "obsolete EDAM term": (
        _replace(
            "methods.yaml", "edam_topics: [edam:topic_0749]", "edam_topics: [edam:topic_0079]"
        ),
        "methods.yaml: record method:danq, field edam_topics[0]: edam:topic_0079 (Metabolites) is obsolete",
    ),
    "EDAM term in the wrong branch": (
        _replace(
            "methods.yaml", "edam_topics: [edam:topic_0749]", "edam_topics: [edam:operation_0438]"
        ),
        "methods.yaml: record method:danq, field edam_topics[0]: edam:operation_0438 is in the wrong EDAM branch",
    ),
    "EDAM label that does not match": (
        _replace("edam.yaml", "name: Epigenetics", "name: Epigenomics"),
        "edam.yaml: record edam:topic_3295, field name: label must be 'Epigenetics' as in EDAM",
    ),
    "undeclared EDAM term": (
        _replace(
            "methods.yaml",
            "edam_topics: [edam:topic_0749]",
            "edam_topics: [edam:topic_0749, edam:topic_3170]",
        ),
        "methods.yaml: record method:danq, field edam_topics[1]: edam:topic_3170 (RNA-Seq) is not declared in edam.yaml",
    ),
    "malformed DOI": (
        _replace("papers.yaml", "doi: 10.1186/s13059-017-1189-z", "doi: doi:10.1186"),
        "papers.yaml: record paper:deepcpg, field doi: 'doi:10.1186': malformed DOI",
    ),
    "DOI not derivable from the links": (
        _replace("papers.yaml", "doi: 10.1186/s13059-017-1189-z", "doi: 10.1186/s13059-017-0000-z"),
        "papers.yaml: record paper:deepcpg, field doi: 10.1186/s13059-017-0000-z is not derivable from the record's links",
    ),
    "malformed URL": (
        _replace(
            "methods.yaml",
            "url: https://github.com/uci-cbcl/DanQ\n      kind",
            "url: htp:/github.com/uci-cbcl/DanQ\n      kind",
        ),
        "methods.yaml: record method:danq, field links[0].url: 'htp:/github.com/uci-cbcl/DanQ': malformed URL",
    ),
    "GitHub repository that does not match its URL": (
        _replace("methods.yaml", "github: uci-cbcl/DanQ", "github: uci-cbcl/DanR"),
        "methods.yaml: record method:danq, field code_repositories[0].github: URL gives uci-cbcl/DanQ",
    ),
    "subfields that do not match the listing": (
        _replace(
            "methods.yaml", "subfields: [subfield:enhancers]", "subfields: [subfield:methylation]"
        ),
        "methods.yaml: record method:danq, field subfields: must be the subfields of listed_in sections",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_validate_names_file_record_and_field(case, fixture_paths: Paths, runner):
    edit, message = CASES[case]
    edit(fixture_paths.data)
    result = runner.invoke(cli, ["validate", "--data", str(fixture_paths.data)])
    assert result.exit_code == 1, result.output
    assert message in " ".join(result.output.split()), result.output


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_build_refuses_and_keeps_the_previous_kg(case, fixture_paths: Paths, runner):
    previous = build(fixture_paths)
    before = (previous.release / "dlbio.nt").read_bytes()
    edit, message = CASES[case]
    edit(fixture_paths.data)
    args = ["build", "--data", str(fixture_paths.data), "--build-dir", str(fixture_paths.build)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert message in " ".join(result.output.split()), result.output
    assert fixture_paths.current.resolve() == previous.release.resolve()
    assert (fixture_paths.current / "dlbio.nt").read_bytes() == before
