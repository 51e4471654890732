"""Matching, reports and drafts of the importer, on the project's own fixture lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.importer import Report, import_list, write_drafts

from .conftest import fixture_text


def run(name: str, into: Path, write: bool = True) -> Report:
    """Import the fixture list ``name`` into ``into`` (writing its drafts unless told not to)."""
    report = import_list(fixture_text(name), into, "toy-list")
    if write:
        write_drafts(report, into)
    return report


def draft(into: Path, name: str) -> dict[str, Any]:
    return yaml.safe_load((into / "drafts" / f"{name}.yaml").read_text(encoding="utf-8"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.yaml"))}


def promote(into: Path) -> None:
    """Do what a curator does: move every draft record into its data file, delete the drafts."""
    files: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((into / "drafts").glob("*.yaml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key, records in content.items():
            if key.endswith(".yaml"):
                files.setdefault(key, []).extend(records)
        path.unlink()
    for name, records in files.items():
        (into / name).write_text(yaml.safe_dump(records, sort_keys=False), encoding="utf-8")


def test_every_entity_of_a_list_becomes_a_draft_in_an_empty_folder(tmp_path: Path) -> None:
    report = run("quirks.md", tmp_path)
    assert (report.entities, len(report.new), report.changed, report.missing) == (8, 8, [], [])
    assert sorted(p.name for p in (tmp_path / "drafts").iterdir()) == [
        "a-made-up-review-of.yaml",
        "bulleted-entry-with-odd-labels.yaml",
        "gluenet.yaml",
        "neurotoy.yaml",
        "several-papers-at-once.yaml",
        "sharedcpg.yaml",
        "silent-entry-with-an-empty.yaml",
        "subfield-genomics.yaml",
        "subfield-toy-enhancers.yaml",
        "subfield-toy-neuroscience.yaml",
        "subfield-toy-single-cells.yaml",
        "toynet.yaml",
    ]


def test_method_draft_holds_paper_and_method_records_in_data_format(tmp_path: Path) -> None:
    run("quirks.md", tmp_path)
    source = "dataset:toy-list"
    assert draft(tmp_path, "toynet") == {
        "draft": True,
        "todo": ["name", "description", "status", "venue", "architectures", "frameworks",
                 "modalities", "edam_topics", "edam_operations", "inferred"],
        "papers.yaml": [{
            "id": "paper:toynet",
            "title": "ToyNet: a made-up network for toy enhancer prediction",
            "date": "2018-02-03",
            "date_source": "link",
            "doi": "10.1101/123456",
            "links": [{"label": "preprint", "kind": "preprint",
                       "url": "https://www.biorxiv.org/content/early/2018/02/03/123456"}],
            "source": source,
        }],
        "methods.yaml": [{
            "id": "method:toynet",
            "paper": "paper:toynet",
            "links": [{"label": "github", "url": "https://github.com/example-lab/ToyNet",
                       "kind": "code"}],
            "code_repositories": [{"id": "repository:example-lab-toynet",
                                   "url": "https://github.com/example-lab/ToyNet",
                                   "host": "github", "github": "example-lab/ToyNet"}],
            "subfields": ["subfield:toy-enhancers"],
            "listed_in": [{"section": "genomics_toy-enhancers",
                           "section_path": "Genomics > Toy enhancers", "position": 1}],
            "source": source,
        }],
    }  # fmt: skip


def test_review_draft_keeps_the_listed_date_and_every_link(tmp_path: Path) -> None:
    run("quirks.md", tmp_path)
    record = draft(tmp_path, "a-made-up-review-of")
    assert list(record) == ["draft", "todo", "reviews.yaml"]
    assert record["reviews.yaml"] == [{
        "id": "paper:a-made-up-review-of",
        "title": "A made-up review of deep nets for cells",
        "date": "2020-03",
        "date_source": "listed",
        "doi": "10.9999/toy.2020.1",
        "links": [
            {"label": "Journal of Toy Biology", "url": "https://doi.org/10.9999/toy.2020.1",
             "kind": "paper"},
            {"label": "Colaboratory notebook", "url": "https://colab.research.google.com/drive/abc123",
             "kind": "notebook"},
        ],
        "listed_in": [{"section": "reviews", "section_path": "Reviews", "position": 1}],
        "source": "dataset:toy-list",
    }]  # fmt: skip


def test_entry_listed_twice_is_one_draft_with_two_listings(tmp_path: Path) -> None:
    run("quirks.md", tmp_path)
    method = draft(tmp_path, "sharedcpg")["methods.yaml"][0]
    assert method["listed_in"] == [
        {"section": "genomics_toy-enhancers", "section_path": "Genomics > Toy enhancers",
         "position": 5},
        {"section": "toy-single-cells", "section_path": "Genomics > Toy single cells",
         "position": 1},
    ]  # fmt: skip
    assert method["subfields"] == ["subfield:toy-enhancers", "subfield:toy-single-cells"]
    assert [link["kind"] for link in method["links"]] == ["code", "docs"]


def test_unknown_labels_get_kinds_from_host_or_default_and_a_note(tmp_path: Path) -> None:
    report = run("quirks.md", tmp_path)
    method = draft(tmp_path, "bulleted-entry-with-odd-labels")["methods.yaml"][0]
    assert [(link["label"], link["kind"]) for link in method["links"]] == [
        ("homepage", "docs"),
        ("slides", "video"),
        ("web server", "web_server"),
    ]
    assert [(n.line, n.message) for n in report.notes if "label" in n.message] == [
        (45, "unknown link label 'homepage'"),
        (45, "unknown link label 'slides'"),
    ]


def test_links_between_parentheses_are_kept_and_flagged(tmp_path: Path) -> None:
    report = run("quirks.md", tmp_path)
    paper = draft(tmp_path, "several-papers-at-once")["papers.yaml"][0]
    assert paper["arxiv"] == "1801.01234"
    assert paper["links"] == [
        {"label": "paper", "url": "https://arxiv.org/abs/1801.01234v2", "kind": "preprint"}
    ]
    assert (25, "text between the entry's links") in [(n.line, n.message) for n in report.notes]


def test_non_github_code_link_gets_a_repository_named_after_host_and_path(tmp_path: Path) -> None:
    run("quirks.md", tmp_path)
    content = draft(tmp_path, "gluenet")
    assert content["papers.yaml"][0]["doi"] == "10.1038/s00000-000-0000-1"
    assert content["methods.yaml"][0]["code_repositories"] == [
        {"id": "repository:gitlab-example-org-glue-gluenet", "host": "gitlab",
         "url": "https://gitlab.example.org/glue/gluenet"}
    ]  # fmt: skip


def test_importing_the_same_list_twice_is_a_no_op(tmp_path: Path) -> None:
    run("quirks.md", tmp_path)
    before = snapshot(tmp_path)
    report = run("quirks.md", tmp_path, write=False)
    assert (len(report.new), report.changed, report.missing) == (0, [], [])
    assert (len(report.unchanged), report.new_subfields, report.drafts) == (8, [], [])
    assert write_drafts(report, tmp_path) == []
    assert snapshot(tmp_path) == before


def test_promoted_drafts_match_the_list_they_came_from(tmp_path: Path) -> None:
    run("quirks.md", tmp_path)
    promote(tmp_path)
    assert not list((tmp_path / "drafts").iterdir())
    report = run("quirks.md", tmp_path, write=False)
    assert (len(report.new), report.changed, report.missing, report.new_subfields) == (
        0, [], [], []
    )  # fmt: skip


@pytest.fixture
def curated_older(tmp_path: Path) -> Path:
    """A data folder curated from the older list version."""
    run("older.md", tmp_path)
    promote(tmp_path)
    return tmp_path


def test_newer_list_reports_new_changed_missing_and_new_subfields(curated_older: Path) -> None:
    before = snapshot(curated_older)
    report = run("newer.md", curated_older)
    assert [n["title"] for n in report.new] == [
        "MolToy: molecules from toys",
        "ScanToy: scans from toys",
    ]
    assert report.changed == [{
        "id": "method:exprnet",
        "file": "methods.yaml",
        "links": {"added": [["docs", "https://exprnet.readthedocs.io/"]], "removed": []},
    }]  # fmt: skip
    assert report.unchanged == ["method:foldtoy"]
    assert [(m["id"], m["file"]) for m in report.missing] == [("method:retirednet", "methods.yaml")]
    assert [(s["id"], s["anchor"], s["section_path"]) for s in report.new_subfields] == [
        ("subfield:drug-discovery", "chemo", "Drug discovery"),
        ("subfield:medical-imaging", "medical-imaging", "Medical imaging"),
        ("subfield:toy-radiology", "toy-radiology", "Medical imaging > Toy radiology"),
    ]
    after = snapshot(curated_older)
    assert {k: v for k, v in after.items() if not k.startswith("drafts/")} == before


def test_new_section_drafts_link_to_their_parent(curated_older: Path) -> None:
    run("newer.md", curated_older)
    record = draft(curated_older, "subfield-toy-radiology")["subfields.yaml"][0]
    assert record == {
        "id": "subfield:toy-radiology",
        "name": "Toy radiology",
        "anchor": "toy-radiology",
        "heading": "Toy radiology",
        "broader": ["subfield:medical-imaging"],
    }
    method = draft(curated_older, "scantoy")["methods.yaml"][0]
    assert method["subfields"] == ["subfield:toy-radiology"]
    assert draft(curated_older, "scantoy")["papers.yaml"][0]["pmid"] == "12345678"


def test_no_entry_of_either_version_is_lost(curated_older: Path) -> None:
    newer = run("newer.md", curated_older, write=False)
    matched = len(newer.unchanged) + len(newer.changed)
    assert (newer.entities, matched + len(newer.new)) == (4, 4)
    older = run("older.md", curated_older, write=False)
    assert (older.entities, len(older.unchanged), older.new, older.missing) == (3, 3, [], [])


def _curated(folder: Path, title: str, links: list[dict[str, str]], section: str) -> None:
    paper = {"id": "paper:x", "title": title, "links": links, "source": "dataset:toy-list"}
    method = {"id": "method:x", "paper": "paper:x",
              "listed_in": [{"section": section, "section_path": "S", "position": 1}]}  # fmt: skip
    (folder / "papers.yaml").write_text(yaml.safe_dump([paper]), encoding="utf-8")
    (folder / "methods.yaml").write_text(yaml.safe_dump([method]), encoding="utf-8")


def test_match_by_link_reports_a_changed_title(tmp_path: Path) -> None:
    _curated(tmp_path, "Old title", [{"label": "paper", "url": "https://doi.org/10.9999/a"}], "s")
    text = "## S <a name='s'></a>\n\n**New title** [[paper](https://doi.org/10.9999/a)]\n"
    report = import_list(text, tmp_path, "toy-list")
    assert report.changed == [
        {"id": "method:x", "file": "methods.yaml",
         "title": {"record": "Old title", "list": "New title"}}
    ]  # fmt: skip


def test_match_by_identifier_across_url_shapes(tmp_path: Path) -> None:
    links = [{"label": "paper", "url": "http://dx.doi.org/10.1101/123456"}]
    _curated(tmp_path, "Some title", links, "s")
    url = "https://www.biorxiv.org/content/10.1101/123456v2"
    report = import_list(f"## S <a name='s'></a>\n\n**Other** [[paper]({url})]\n", tmp_path, "t")
    assert [c["id"] for c in report.changed] == ["method:x"]
    assert report.new == []


def test_match_by_title_reports_changed_links_and_sections(tmp_path: Path) -> None:
    _curated(tmp_path, "Same title", [{"label": "code", "url": "https://github.com/a/old"}], "s")
    text = "## T <a name='t'></a>\n\n**Same  title** [[code](https://github.com/a/new)]\n"
    report = import_list(text, tmp_path, "toy-list")
    assert report.changed == [{
        "id": "method:x", "file": "methods.yaml",
        "links": {"added": [["code", "https://github.com/a/new"]],
                  "removed": [["code", "https://github.com/a/old"]]},
        "sections": {"added": [["t", "T"]], "removed": [["s", "S"]]},
    }]  # fmt: skip


def test_replaced_records_are_neither_matched_nor_missing(tmp_path: Path) -> None:
    _curated(tmp_path, "Gone", [{"label": "code", "url": "https://github.com/a/gone"}], "s")
    methods = yaml.safe_load((tmp_path / "methods.yaml").read_text())
    methods[0]["replaced_by"] = "method:y"
    (tmp_path / "methods.yaml").write_text(yaml.safe_dump(methods), encoding="utf-8")
    text = "## S <a name='s'></a>\n\n**Gone** [[code](https://github.com/a/gone)]\n"
    report = import_list(text, tmp_path, "toy-list")
    assert (len(report.new), report.missing) == (1, [])
    assert report.new[0]["ids"] == ["paper:gone", "method:gone"]


def test_draft_ids_never_reuse_a_taken_id(tmp_path: Path) -> None:
    _curated(tmp_path, "Unrelated", [{"label": "code", "url": "https://github.com/a/b"}], "s")
    text = "## S <a name='s'></a>\n\n**X: a clash** [[code](https://github.com/c/d)]\n"
    report = import_list(text, tmp_path, "toy-list")
    assert report.new[0]["ids"] == ["paper:x-2", "method:x-2"]


def test_malformed_list_is_imported_with_its_problems(tmp_path: Path) -> None:
    report = run("malformed.md", tmp_path)
    assert [p.line for p in report.problems] == [5, 9, 11, 15]
    assert [n["title"] for n in report.new] == [
        "Unclosed bold title",
        "Broken link entry",
        "Single bracket entry",
        "Fine entry",
        "Bold line without links",
    ]
    assert (17, "entry without links") in [(n.line, n.message) for n in report.notes]


def test_online_first_link_path_gives_the_paper_date(tmp_path: Path) -> None:
    url = "http://nar.example.org/content/early/2014/11/05/nar.gku0001.full"
    report = import_list(f"## S\n\n**X: y** [[paper]({url})]\n", tmp_path, "t")
    write_drafts(report, tmp_path)
    paper = draft(tmp_path, "x")["papers.yaml"][0]
    assert (paper["date"], paper["date_source"], "doi" in paper) == ("2014-11-05", "link", False)
