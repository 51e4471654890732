"""A SHACL violation fails the build, names file, record and field, and publishes nothing."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Triple

import kg.build
from kg.errors import DataInvalid
from kg.namespaces import PREFIXES, expand


@pytest.mark.parametrize("workers", [False, True], ids=["inline", "workers"])
def test_a_shacl_violation_names_the_record_and_publishes_nothing(
    fixture_paths, monkeypatch, workers
):
    if workers:  # the shapes checked in a forked worker, as in a large build
        monkeypatch.setattr(kg.build, "WORKER_RECORDS", 0)
        monkeypatch.setattr(kg.build, "WORKER_TRIPLES", 0)
    convert = kg.build.graph_lines
    method = NamedNode(expand("method:danq"))
    extra = [
        Triple(method, NamedNode("https://ex.org/unknown"), NamedNode("https://ex.org/x")),
        Triple(NamedNode(method.value + "#listing-1"), NamedNode(PREFIXES["schema"] + "position"),
               Literal("x")),
    ]  # fmt: skip
    monkeypatch.setattr(kg.build, "graph_lines", lambda *a: [*convert(*a), *map(str, extra)])
    with pytest.raises(DataInvalid) as failed:
        kg.build.build(fixture_paths)
    problems = {(p.file, p.record, p.field) for p in failed.value.problems}
    assert ("methods.yaml", "method:danq", "https://ex.org/unknown") in problems
    assert any(f == "methods.yaml" and fld.startswith("listed_in[0].") for f, _, fld in problems)
    assert not fixture_paths.current.exists()
    assert not fixture_paths.releases.exists() or not any(fixture_paths.releases.iterdir())
