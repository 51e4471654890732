"""Large builds use workers (validation, shapes, store); forcing them on the tiny set gives the same
release as running inline, and a failure in a worker still names file, record and field and
publishes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Store

import kg.build
from kg.errors import DataInvalid
from kg.paths import Paths

DUMPS = ("dlbio.nt", "dlbio.ttl", "dlbio.jsonld", "void.ttl", "manifest.json")


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every step that can run in a worker does, whatever the size."""
    monkeypatch.setattr(kg.build, "WORKER_RECORDS", 0)
    monkeypatch.setattr(kg.build, "WORKER_TRIPLES", 0)


def _build(paths: Paths, folder: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    paths = Paths(paths.schema, paths.data, paths.build.parent / folder, paths.generated)
    return kg.build.build(paths).release


def test_workers_give_the_same_release_as_inline(
    fixture_paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    inline = _build(fixture_paths, "inline", monkeypatch)
    monkeypatch.setattr(kg.build, "WORKER_RECORDS", 0)
    monkeypatch.setattr(kg.build, "WORKER_TRIPLES", 0)
    worked = _build(fixture_paths, "workers", monkeypatch)
    for name in DUMPS:
        assert (worked / name).read_bytes() == (inline / name).read_bytes(), name
    stores = [Store.read_only(str(r / "store")) for r in (inline, worked)]
    assert set(map(str, stores[0])) == set(map(str, stores[1]))
    assert len(stores[1]) > 0


@pytest.mark.usefixtures("workers")
def test_invalid_data_found_by_the_worker_names_the_field_and_publishes_nothing(
    fixture_paths: Paths,
) -> None:
    methods = fixture_paths.data / "methods.yaml"
    text = methods.read_text()
    assert "  name: DanQ\n" in text
    methods.write_text(text.replace("  name: DanQ\n", "  name: DanQ\n  colour: blue\n", 1))
    with pytest.raises(DataInvalid) as failed:
        kg.build.build(fixture_paths)
    problems = {(p.file, p.record, p.field) for p in failed.value.problems}
    assert ("methods.yaml", "method:danq", "colour") in problems
    assert not fixture_paths.current.exists()
    assert not fixture_paths.releases.exists() or not any(fixture_paths.releases.iterdir())
