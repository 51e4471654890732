"""Fixtures for the example-query tests: the KG built once from the real curated data."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Store

from kg.build import build
from kg.paths import PROJECT_ROOT, Paths


@pytest.fixture(scope="session")
def real_kg(tmp_path_factory: pytest.TempPathFactory, schema_cache: Path) -> Store:
    """The store of a KG built from the project's own ``data/`` into a private folder."""
    root = tmp_path_factory.mktemp("real-kg")
    paths = Paths(
        PROJECT_ROOT / "schema" / "dlbio.yaml", PROJECT_ROOT / "data", root / "build", schema_cache
    )
    result = build(paths)
    return Store.read_only(str(result.release / "store"))
