"""Fixtures for the linked-data tests: the repository's curated data built once, plus one renamed
record (``framework:th`` → ``framework:theano``) so that the 301 path has data to follow.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient

from kg.build import BuildResult, build
from kg.paths import PROJECT_ROOT, Paths
from server import create_app

DATA = PROJECT_ROOT / "data"
RENAMED = {
    "id": "framework:th",
    "name": "Th",
    "description": "Former ID of Theano, kept so that its IRI keeps resolving.",
    "replaced_by": "framework:theano",
}


@pytest.fixture(scope="session")
def curated() -> Callable[[str], list[dict]]:
    """Reads the curated records of one ``data/`` file (the expectations of several tests)."""

    def records(name: str) -> list[dict]:
        return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))

    return records


@pytest.fixture(scope="session")
def ld_release(tmp_path_factory: pytest.TempPathFactory, schema_cache: Path) -> BuildResult:
    """The curated data and example queries plus one renamed record, built into a private
    build folder (the real KG, as ``dlbio build`` makes it)."""
    root = tmp_path_factory.mktemp("ld")
    shutil.copytree(DATA, root / "data")
    with (root / "data" / "frameworks.yaml").open("a", encoding="utf-8") as handle:
        handle.write(yaml.safe_dump([RENAMED], sort_keys=False, allow_unicode=True))
    paths = Paths(PROJECT_ROOT / "schema" / "dlbio.yaml", root / "data", root / "build",
                  schema_cache, queries=PROJECT_ROOT / "queries")
    return build(paths)


@pytest.fixture(scope="session")
def ld_app(ld_release: BuildResult) -> Flask:
    """One app over the built release for the whole session (it is read-only)."""
    return create_app({"DLBIO_KG_DIR": str(ld_release.release), "TESTING": True})


@pytest.fixture
def client(ld_app: Flask) -> FlaskClient:
    """A test client of the linked-data app."""
    return ld_app.test_client()


#: Fixtures that start a server process or a browser; the folder's other tests that use the
#: in-process ``client`` are marked ``quick`` (``pytest -m quick``).
LIVE_FIXTURES = frozenset({"live", "browser", "page"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark this folder's in-process page tests ``quick``."""
    here = Path(__file__).parent
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if item.path.parent == here and "client" in names and not LIVE_FIXTURES & names:
            item.add_marker(pytest.mark.quick)
