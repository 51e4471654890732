"""The curated data in data/: valid, complete for the list, and consistent."""

from __future__ import annotations

from collections import Counter

import pytest

from kg.paths import PROJECT_ROOT, Paths
from kg.records import by_class, read_all
from kg.schema import ensure_artifacts
from kg.validate import find_problems

DATA = PROJECT_ROOT / "data"
#: Entries per list section, counted in the newest version of the list (2024-08-10) and, for the
#: three entries that left it (Neuroscience, General), in the last version listing them.
SECTION_SIZES = {
    "reviews": 9,
    "repositories": 2,
    "seqmodels": 14,
    "integration": 1,
    "protein_biology_structure_prediction": 6,
    "protein_biology_design": 4,
    "protein_biology_function_prediction": 4,
    "genomics_variant-calling": 2,
    "genomics_expression": 9,
    "imaging_expression": 1,
    "genomics_enhancers": 18,
    "genomics_non-coding": 2,
    "genomics_methylation": 2,
    "genomics_single-cell": 11,
    "chemo": 10,
    "biomarker": 1,
    "metabolomics": 1,
    "generative": 2,
    "genomics_pop": 2,
    "sysbio": 1,
    "neuro": 2,
    "general": 1,
}
#: Links the list itself gives to more than one entry.
SHARED_LINKS = {
    "https://github.com/facebookresearch/esm",  # ESM-1, ESM-1v, ESM-IF1, ESMFold, MSA Transformer
    "https://github.com/mila-iqia/gene-graph-conv",  # given as both the code and the "arxiv" link
}
WITHDRAWN = {"method:spindle", "method:neuroimaging-validation", "method:leap"}


@pytest.fixture(scope="module")
def records():
    return read_all(DATA)


def test_curated_data_is_valid(records, schema_cache):
    artifacts = ensure_artifacts(PROJECT_ROOT / "schema" / "dlbio.yaml", schema_cache)
    problems = find_problems(records, artifacts)
    assert not problems, "\n".join(str(p) for p in problems)


def test_every_entry_of_the_list_is_there(records):
    counts = Counter(r.cls for r in records)
    assert counts["Method"] == 91
    assert counts["Review"] == 10
    assert counts["Resource"] == 2
    assert counts["Paper"] == 93
    assert counts["ListVersion"] == 97
    assert counts["ListingHistory"] == 91 + 10 + 2


def test_every_method_has_its_own_paper(records):
    papers = [r.data["paper"] for r in by_class(records, "Method", "Resource")]
    assert len(set(papers)) == len(papers) == 93


def test_entries_that_left_the_list_are_kept_and_marked_withdrawn(records):
    withdrawn = {
        h.data["entry"]
        for h in by_class(records, "ListingHistory")
        if h.data["listing_status"] == "withdrawn"
    }
    assert withdrawn == WITHDRAWN


def test_renamed_entries_keep_their_earlier_titles(records):
    titles = {h.data["entry"]: h.data.get("alt_titles") for h in by_class(records, "ListingHistory")}
    assert titles["method:deepchem"] == ["Deep-learning models for Drug Discovery and Quantum Chemistry"]
    assert titles["method:evovae"] == ["EVOVAE: Vartiational autoencoding of Protein Sequences"]


def test_listings_match_the_sections_of_the_list(records):
    entries = by_class(records, "Method", "Review", "Resource")
    listings = [p for r in entries for p in r.data["listed_in"]]
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


def test_no_link_is_recorded_twice_unless_the_list_gives_it_twice(records):
    urls = [link["url"] for r in records for link in r.data.get("links") or []]
    duplicates = {u for u, n in Counter(urls).items() if n > 1}
    assert duplicates == SHARED_LINKS


def test_descriptions_are_distinct_one_liners(records):
    entries = by_class(records, "Method", "Review", "Resource")
    descriptions = [r.data["description"] for r in entries]
    assert len(set(descriptions)) == len(descriptions)
    assert all(0 < len(d) <= 200 and "\n" not in d for d in descriptions)


def test_reviews_carry_the_listed_month(records):
    reviews = [
        r for r in by_class(records, "Review") if r.data["listed_in"][0]["section"] == "reviews"
    ]
    dates = sorted(r.data["date"] for r in reviews)
    assert dates == ["2016-07", "2017-01", "2018-04", "2018-10", "2018-11", "2019-01",
                     "2019-04", "2019-12", "2021-11"]  # fmt: skip
    assert all(r.data["date_source"] == "listed" for r in reviews)


def test_the_real_kg_builds_and_passes_shacl(tmp_path, schema_cache):
    from pyoxigraph import Store

    from kg import stats
    from kg.build import build

    result = build(
        Paths(PROJECT_ROOT / "schema" / "dlbio.yaml", DATA, tmp_path / "build", schema_cache)
    )
    assert result.triples > 1000
    store = Store.read_only(str(result.release / "store"))
    listing = {status.rsplit("/", 1)[1]: n for status, n, _ in stats.listing(store)}
    assert listing == {"Listed": 100, "Withdrawn": 3}
    relations = {prop.rsplit("/", 1)[1]: (s, i) for prop, s, i in stats.relations(store)}
    assert relations["reimplementationOf"] == (3, 0)  # OpenFold, MiniFold, the DeepBind container
