"""Default locations of the build's inputs and outputs, relative to the working directory.

``dlbio`` runs in the project folder (``make`` does), installed or not; every stage reads the
previous stage's output from these defaults, each overridden by a CLI option or a ``DLBIO_*``
environment variable. The server uses none of them: it reads only the release folder it is given.
``PROJECT_ROOT`` is the source checkout this package was imported from, for tests and tools run
inside it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR = Path("build")  # the build folder, relative to where dlbio runs
CURRENT = "current"  # the symlink in it to the release being served
#: The release served by default (the server's ``DLBIO_KG_DIR`` default).
DEFAULT_KG_DIR = BUILD_DIR / CURRENT


def _from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value) if value else default


def _optional_from_env(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


@dataclass(frozen=True)
class Paths:
    """Where the schema, the curated data and the build outputs live."""

    schema: Path
    data: Path
    build: Path
    schema_cache: Path | None = None
    queries: Path | None = None

    @property
    def releases(self) -> Path:
        """Folder holding one sub-folder per built release."""
        return self.build / "releases"

    @property
    def current(self) -> Path:
        """Symlink to the release being served."""
        return self.build / CURRENT

    @property
    def parse_cache(self) -> Path:
        """Parsed data files, keyed by the SHA-256 of their bytes."""
        return self.build / "cache" / "yaml"

    @property
    def generated(self) -> Path:
        """Artifacts generated from the schema (JSON Schema, SHACL, OWL, docs)."""
        return self.schema_cache or self.build / "schema"


def default_paths(data: Path | None = None, build: Path | None = None) -> Paths:
    """Return the project's paths, honouring the ``DLBIO_*_DIR`` environment variables."""
    return Paths(
        schema=_from_env("DLBIO_SCHEMA", Path("schema", "dlbio.yaml")),
        data=data or _from_env("DLBIO_DATA_DIR", Path("data")),
        build=build or _from_env("DLBIO_BUILD_DIR", BUILD_DIR),
        schema_cache=_optional_from_env("DLBIO_SCHEMA_CACHE"),
        queries=_from_env("DLBIO_QUERIES_DIR", Path("queries")),
    )
