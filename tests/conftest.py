"""Shared fixtures: the tiny curated set, a KG built from it, and a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import BuildResult, build
from kg.paths import PROJECT_ROOT, Paths

FIXTURE_DATA = Path(__file__).parent / "fixtures" / "data"


@pytest.fixture(scope="session")
def schema_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder of generated schema artifacts for the whole session (generation takes seconds)."""
    return tmp_path_factory.mktemp("schema-cache")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, schema_cache: Path) -> None:
    monkeypatch.setenv("DLBIO_SCHEMA_CACHE", str(schema_cache))
    monkeypatch.delenv("DLBIO_DATA_DIR", raising=False)
    monkeypatch.delenv("DLBIO_BUILD_DIR", raising=False)


@pytest.fixture
def fixture_paths(tmp_path: Path, schema_cache: Path) -> Paths:
    """A private, writable copy of the tiny curated set and an empty build folder."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    return Paths(PROJECT_ROOT / "schema" / "dlbio.yaml", data, tmp_path / "build", schema_cache)


@pytest.fixture(scope="session")
def built_fixture(tmp_path_factory: pytest.TempPathFactory, schema_cache: Path) -> BuildResult:
    """The tiny curated set built once (read-only for tests)."""
    root = tmp_path_factory.mktemp("built")
    paths = Paths(
        PROJECT_ROOT / "schema" / "dlbio.yaml", FIXTURE_DATA, root / "build", schema_cache
    )
    return build(paths)


@pytest.fixture
def runner() -> CliRunner:
    """Click runner for in-process CLI calls."""
    return CliRunner()
