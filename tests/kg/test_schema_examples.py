"""Every example in tests/data/valid passes the schema; every one in tests/data/invalid fails it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kg.paths import PROJECT_ROOT
from kg.records import Record
from kg.schema import ensure_artifacts
from kg.validate import check_schema

EXAMPLES = Path(__file__).parent.parent / "data"
VALID = sorted((EXAMPLES / "valid").glob("*.yaml"))
INVALID = sorted((EXAMPLES / "invalid").glob("*.yaml"))
CONCRETE_CLASSES = {
    "Method",
    "Paper",
    "Review",
    "Architecture",
    "DataModality",
    "Subfield",
    "SoftwareFramework",
    "SourceList",
    "EdamTerm",
}


def _problems(path: Path, schema_cache: Path) -> list[str]:
    artifacts = ensure_artifacts(PROJECT_ROOT / "schema" / "dlbio.yaml", schema_cache)
    cls = path.stem.split("-", 1)[0]
    record = Record(cls, yaml.safe_load(path.read_text()), path.name, 0)
    return [str(p) for p in check_schema([record], artifacts)]


def test_example_folders_are_not_empty_and_cover_every_class():
    for examples in (VALID, INVALID):
        assert examples, "no examples found"
        assert {p.stem.split("-", 1)[0] for p in examples} >= CONCRETE_CLASSES


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_valid_example_passes(path: Path, schema_cache: Path):
    assert _problems(path, schema_cache) == []


@pytest.mark.parametrize("path", INVALID, ids=[p.name for p in INVALID])
def test_invalid_example_fails(path: Path, schema_cache: Path):
    assert _problems(path, schema_cache), f"{path.name} should violate the schema"
