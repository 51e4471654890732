"""Fixtures for the query-page tests.

They reuse the linked-data tests' release (the repository's ``data/`` built once), their live
gunicorn server and their headless Debian Chromium, and make sure the editor bundle exists: if
``make assets`` has not built it (or the sources changed since), ``npm`` builds it here.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.build import BuildResult
from kg.paths import PROJECT_ROOT
from server import create_app
from server.site.querypage import SCRIPT, STYLE
from tests.linkeddata.conftest import ld_release
from tests.linkeddata.test_live import browser, live

__all__ = ["browser", "ld_release", "live"]  # fixtures reused from tests/linkeddata

FRONTEND = PROJECT_ROOT / "server" / "site" / "frontend"
ASSETS = PROJECT_ROOT / "build" / "assets"


def _sources() -> list[Path]:
    """Everything the bundle is made from."""
    return [FRONTEND / "package-lock.json", FRONTEND / "build.mjs", *FRONTEND.glob("src/*")]


def _stale(bundle: list[Path]) -> bool:
    """Whether a bundle file is missing or older than a source."""
    if not all(path.is_file() for path in bundle):
        return True
    built = min(path.stat().st_mtime for path in bundle)
    return any(source.stat().st_mtime > built for source in _sources())


def _npm(*args: str) -> None:
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is needed to build the query page bundle: apt-get install nodejs npm")
    done = subprocess.run(
        [npm, *args, "--no-audit", "--no-fund"],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"npm {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="session")
def assets() -> Path:
    """The built editor bundle in the default ``build/assets`` (built here when missing)."""
    bundle = [ASSETS / SCRIPT, ASSETS / STYLE]
    ASSETS.parent.mkdir(parents=True, exist_ok=True)
    with (ASSETS.parent / ".assets.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # pytest-xdist workers build one at a time
        if _stale(bundle):
            if not (FRONTEND / "node_modules").is_dir():
                _npm("ci")
            _npm("run", "build")
    assert not _stale(bundle)
    return ASSETS


@pytest.fixture(scope="session")
def axe_source(assets: Path) -> str:
    """axe-core's browser bundle, from the frontend's npm packages (installed at set-up)."""
    script = FRONTEND / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file():  # node_modules from before axe-core joined package-lock.json
        with (ASSETS.parent / ".assets.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not script.is_file():
                _npm("ci")
    assert script.is_file(), "axe-core is missing from server/site/frontend/node_modules"
    return script.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def qp_app(ld_release: BuildResult) -> Flask:
    """One app over the built release (tests point its asset folder elsewhere)."""
    return create_app({"DLBIO_KG_DIR": str(ld_release.release), "TESTING": True})


@pytest.fixture
def client(qp_app: Flask) -> FlaskClient:
    """A test client of the app."""
    return qp_app.test_client()


@pytest.fixture
def served(live: str, assets: Path) -> Iterator[str]:
    """Base URL of the live server, once the bundle it serves is built."""
    yield live
