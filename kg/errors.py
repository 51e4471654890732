"""Errors that point at the bad input: file, record and field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DataProblem:
    """One problem in the curated data, located precisely enough to fix it."""

    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.record:
            where += f": record {self.record}"
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.message}"


class DataInvalid(Exception):
    """Raised when curated data fails validation; carries every problem found."""

    def __init__(self, problems: list[DataProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class BuildFailed(Exception):
    """Raised when a build step other than data validation fails (the old KG stays served)."""
