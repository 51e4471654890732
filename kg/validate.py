"""Validation of curated records: schema, identity, references, EDAM and identifiers.

Every check returns :class:`~kg.errors.DataProblem` objects naming file, record and field;
:func:`validate` raises :class:`~kg.errors.DataInvalid` with all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import fastjsonschema
import jsonschema

from kg.checks import check_edam, check_identifiers, check_method_rules, check_relations
from kg.errors import DataInvalid, DataProblem
from kg.history import check_history
from kg.records import Record
from kg.schema import SchemaArtifacts

#: Field name → what a value failing its pattern is, for readable messages.
PATTERN_NAMES = {
    "doi": "malformed DOI (expected 10.NNNN/suffix, no resolver prefix)",
    "url": "malformed URL (expected an absolute http(s) URL)",
    "arxiv": "malformed arXiv identifier (expected NNNN.NNNNN without version)",
    "pmid": "malformed PubMed identifier",
    "github": "malformed GitHub repository (expected owner/name)",
    "date": "malformed date (expected YYYY, YYYY-MM or YYYY-MM-DD)",
    "id": "malformed ID (expected prefix:lowercase-slug with the class's prefix)",
}


def _pattern_message(error: jsonschema.ValidationError) -> str:
    value = str(error.instance)
    names = [p for p in error.path if isinstance(p, str)]
    name = names[-1] if names else ""
    if value.startswith("edam:"):
        expected = error.schema["pattern"].strip("^$").replace("\\d{4}", "NNNN")
        return f"{value} is in the wrong EDAM branch or malformed: expected {expected}"
    return f"{value!r}: {PATTERN_NAMES.get(name, 'does not match ' + error.schema['pattern'])}"


def _field_path(path: Iterable[object]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _schema_problems(
    record: Record, validator: jsonschema.Draft7Validator
) -> Iterator[DataProblem]:
    for error in sorted(validator.iter_errors(record.data), key=lambda e: list(e.path)):
        field = _field_path(error.path)
        if error.validator == "additionalProperties":
            unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            for name in unknown:
                yield record.problem(_field_path([*error.path, name]), "unknown field")
            continue
        if error.validator == "required":
            missing = error.message.split("'")[1]
            yield record.problem(_field_path([*error.path, missing]), "required field is missing")
            continue
        if error.validator == "pattern":
            yield record.problem(field, _pattern_message(error))
            continue
        yield record.problem(field, error.message)


def _compile(defs: dict, cls: str) -> tuple[Callable[[object], object], jsonschema.Draft7Validator]:
    schema = {"$ref": f"#/$defs/{cls}", "$defs": defs}
    return fastjsonschema.compile(schema), jsonschema.Draft7Validator(schema)


def _record_problems(
    record: Record, fast: Callable, explain: jsonschema.Draft7Validator
) -> list[DataProblem]:
    """Check with the compiled validator; explain failures with jsonschema's located errors."""
    try:
        fast(record.data)
        return []
    except fastjsonschema.JsonSchemaException as exc:
        problems = list(_schema_problems(record, explain))
        return problems or [record.problem(exc.name.removeprefix("data."), exc.message)]


def check_schema(records: list[Record], artifacts: SchemaArtifacts) -> list[DataProblem]:
    """Validate each record against the JSON Schema generated from the LinkML schema."""
    defs = artifacts.json_schema["$defs"]
    validators = {cls: _compile(defs, cls) for cls in {r.cls for r in records}}
    return [p for r in records for p in _record_problems(r, *validators[r.cls])]


def check_unique_ids(records: list[Record]) -> list[DataProblem]:
    """Every ID is used by one record only (across all files)."""
    first: dict[str, Record] = {}
    problems = []
    for record in records:
        rid = record.data.get("id")
        if not isinstance(rid, str):
            continue
        if rid in first:
            other = first[rid]
            problems.append(
                record.problem("id", f"duplicate ID, also {other.file} #{other.index + 1}")
            )
        else:
            first[rid] = record
    return problems


def _references(record: Record, artifacts: SchemaArtifacts) -> Iterator[tuple[str, str, str]]:
    """Yield (field, referenced id, expected class) for every reference the record makes."""
    for name, slot in artifacts.slots.get(record.cls, {}).items():
        if slot.range not in artifacts.class_uris or name == "id":
            continue
        value = record.data.get(name)
        values = value if isinstance(value, list) else [value]
        for i, item in enumerate(values):
            if isinstance(item, str):
                field = f"{name}[{i}]" if isinstance(value, list) else name
                yield field, item, slot.range


def check_references(records: list[Record], artifacts: SchemaArtifacts) -> list[DataProblem]:
    """Every reference to another record resolves to a record of the right class."""
    classes = {r.data["id"]: r.cls for r in records if isinstance(r.data.get("id"), str)}
    problems = []
    for record in records:
        for field, target, expected in _references(record, artifacts):
            if target not in classes:
                problems.append(record.problem(field, f"dangling reference: no record {target}"))
            elif not artifacts.is_a(classes[target], expected):
                found = classes[target]
                problems.append(
                    record.problem(field, f"{target} is a {found}, expected {expected}")
                )
    return problems


def find_problems(records: list[Record], artifacts: SchemaArtifacts) -> list[DataProblem]:
    """Run every check; schema problems first so later checks can assume shapes."""
    problems = check_schema(records, artifacts)
    problems += check_unique_ids(records)
    if problems:
        return problems
    problems += check_references(records, artifacts)
    problems += check_edam(records)
    problems += check_identifiers(records)
    problems += check_method_rules(records)
    problems += check_relations(records)
    problems += check_history(records)
    return problems


def validate(records: list[Record], artifacts: SchemaArtifacts) -> None:
    """Raise :class:`DataInvalid` listing every problem, or return if the data is valid."""
    problems = find_problems(records, artifacts)
    if problems:
        raise DataInvalid(problems)
