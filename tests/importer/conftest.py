"""Fixtures of the importer tests: the project's own made-up lists under ``fixtures/``."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.listparse import ParsedList, parse_list

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_text(name: str) -> str:
    """Text of one fixture list (fails loudly when the file is missing)."""
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def quirks() -> ParsedList:
    """The list with every format quirk the parser must handle."""
    return parse_list(fixture_text("quirks.md"))


@pytest.fixture(scope="session")
def malformed() -> ParsedList:
    """The list with broken markdown."""
    return parse_list(fixture_text("malformed.md"))
