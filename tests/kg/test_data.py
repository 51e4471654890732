"""The curated data in data/: valid, complete for the list, and consistent."""

from __future__ import annotations

from collections import Counter

import pytest

from kg.paths import PROJECT_ROOT, Paths
from kg.records import by_class, read_all
from kg.schema import ensure_artifacts
from kg.validate import find_problems

DATA = PROJECT_ROOT / "data"
#: Entries per list section, counted in the list itself.
SECTION_SIZES = {
    "reviews": 4,
    "genomics_variant-calling": 3,
    "imaging_expression": 1,
    "genomics_enhancers": 17,
    "genomics_non-coding": 2,
    "genomics_methylation": 2,
    "genomics_single-cell": 8,
    "genomics_pop": 2,
    "sysbio": 1,
    "neuro": 2,
}


@pytest.fixture(scope="module")
def records():
    return read_all(DATA)


def test_curated_data_is_valid(records, schema_cache):
    artifacts = ensure_artifacts(PROJECT_ROOT / "schema" / "dlbio.yaml", schema_cache)
    problems = find_problems(records, artifacts)
    assert not problems, "\n".join(str(p) for p in problems)


def test_every_entry_of_the_list_is_there(records):
    counts = Counter(r.cls for r in records)
    assert counts["Method"] == 37
    assert counts["Review"] == 4
    assert counts["Paper"] == 37


def test_every_method_has_its_own_paper(records):
    papers = [r.data["paper"] for r in by_class(records, "Method")]
    assert len(set(papers)) == len(papers) == 37


def test_listings_match_the_sections_of_the_list(records):
    listings = [p for r in by_class(records, "Method", "Review") for p in r.data["listed_in"]]
    assert Counter(p["section"] for p in listings) == SECTION_SIZES
    for section, size in SECTION_SIZES.items():
        positions = sorted(p["position"] for p in listings if p["section"] == section)
        assert positions == list(range(1, size + 1)), section


def test_deepcpg_is_one_method_in_two_subfields(records):
    deepcpg = [r for r in by_class(records, "Method") if r.data["name"] == "DeepCpG"]
    assert len(deepcpg) == 1
    assert {p["section"] for p in deepcpg[0].data["listed_in"]} == {
        "genomics_methylation",
        "genomics_single-cell",
    }
    assert len(deepcpg[0].data["subfields"]) == 2


def test_no_link_is_recorded_twice(records):
    urls = [link["url"] for r in records for link in r.data.get("links") or []]
    duplicates = [u for u, n in Counter(urls).items() if n > 1]
    assert not duplicates


def test_descriptions_are_distinct_one_liners(records):
    descriptions = [r.data["description"] for r in by_class(records, "Method", "Review")]
    assert len(set(descriptions)) == len(descriptions)
    assert all(0 < len(d) <= 200 and "\n" not in d for d in descriptions)


def test_reviews_carry_the_listed_month(records):
    dates = sorted(r.data["date"] for r in by_class(records, "Review"))
    assert dates == ["2018-11", "2019-01", "2019-04", "2019-12"]
    assert all(r.data["date_source"] == "listed" for r in by_class(records, "Review"))


def test_the_real_kg_builds_and_passes_shacl(tmp_path, schema_cache):
    from kg.build import build

    result = build(
        Paths(PROJECT_ROOT / "schema" / "dlbio.yaml", DATA, tmp_path / "build", schema_cache)
    )
    assert result.triples > 1000
