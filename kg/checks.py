"""Content checks beyond the schema: EDAM terms, derived identifiers and method rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kg.edam import load_edam
from kg.errors import DataProblem
from kg.identifiers import derive_ids, supplement_doi
from kg.records import Record, by_class

#: Slot name → EDAM branches its values may come from.
EDAM_SLOTS = {
    "edam_topics": ("topic",),
    "edam_operations": ("operation",),
    "edam_inputs": ("data",),
    "edam_outputs": ("data",),
    "edam_formats": ("format",),
    "exact_match": ("topic", "data"),
    "close_match": ("topic", "data"),
}
ID_FIELDS = ("doi", "arxiv", "pmid")
PUBLICATION_KINDS = {"paper", "preprint", "manuscript"}
MAX_DESCRIPTION = 200


def _edam_values(data: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str, str]]:
    """Yield (field path, slot name, CURIE) for every EDAM CURIE in a record, nested ones too."""
    for name in EDAM_SLOTS:
        for i, value in enumerate(data.get(name) or []):
            if isinstance(value, str) and value.startswith("edam:"):
                yield f"{prefix}{name}[{i}]", name, value
    for i, xref in enumerate(data.get("cross_references") or []):
        yield from _edam_values(xref, f"{prefix}cross_references[{i}].")


def _edam_term_problem(curie: str, branches: tuple[str, ...]) -> str | None:
    term = load_edam().get(curie)
    if term is None:
        return f"{curie} does not exist in the pinned EDAM release"
    if term.obsolete:
        return f"{curie} ({term.label}) is obsolete in the pinned EDAM release"
    if term.branch not in branches:
        return f"{curie} ({term.label}) is an EDAM {term.branch}, expected {' or '.join(branches)}"
    return None


def check_edam(records: list[Record]) -> list[DataProblem]:
    """EDAM terms exist, are not obsolete, sit in the slot's branch and are declared with their label."""
    edam = load_edam()
    declared = {r.data["id"]: r for r in by_class(records, "EdamTerm")}
    problems, used = [], set()
    for record in records:
        for field, slot, curie in _edam_values(record.data):
            used.add(curie)
            message = _edam_term_problem(curie, EDAM_SLOTS[slot])
            if message is None and curie not in declared:
                message = f"{curie} ({edam[curie].label}) is not declared in edam.yaml"
            if message:
                problems.append(record.problem(field, message))
    for curie, record in declared.items():
        term = edam.get(curie)
        if term is None or term.obsolete:
            problems.append(
                record.problem("id", _edam_term_problem(curie, (curie[5:].split("_")[0],)))
            )
        elif record.data.get("name") != term.label:
            problems.append(record.problem("name", f"label must be {term.label!r} as in EDAM"))
        elif curie not in used:
            problems.append(record.problem("id", f"{curie} is declared but used by no record"))
    return problems


def _link_ids(record: Record, supplements: list[str] = ()) -> dict[str, dict[str, int]]:
    """Identifiers derivable from the record's links: field → {value: link index}; plus the DOIs
    of ``supplements`` (its methods' links to the paper's supplement, index -1)."""
    found: dict[str, dict[str, int]] = {field: {} for field in (*ID_FIELDS, "github")}
    for i, link in enumerate(record.data.get("links") or []):
        ids = derive_ids(link["url"])
        for field in found:
            value = getattr(ids, field)
            if value:
                found[field].setdefault(value, i)
    for url in supplements:
        doi = supplement_doi(url)
        if doi:
            found["doi"].setdefault(doi, -1)
    return found


def _paper_id_problems(record: Record, supplements: list[str]) -> Iterator[DataProblem]:
    derivable = _link_ids(record, supplements)
    for field in ID_FIELDS:
        stored, options = record.data.get(field), derivable[field]
        if stored and stored not in options:
            yield record.problem(field, f"{stored} is not derivable from the record's links")
        elif not stored and options:
            value, index = next(iter(options.items()))
            where = f"links[{index}]" if index >= 0 else "a supplement link of its method"
            yield record.problem(field, f"missing: {where} gives {value}")


def _method_link_problems(record: Record) -> Iterator[DataProblem]:
    links = record.data.get("links") or []
    urls = {link["url"] for link in links}
    for i, link in enumerate(links):
        if link["kind"] in PUBLICATION_KINDS:
            yield record.problem(f"links[{i}].kind", "publication links belong on the Paper record")
    repos = record.data.get("code_repositories") or []
    addresses = {url.split("#", 1)[0] for url in urls}
    for i, repo in enumerate(repos):
        if "#" in repo["url"]:
            yield record.problem(f"code_repositories[{i}].url", "a repository's URL has no #fragment")
        elif repo["url"] not in addresses:
            yield record.problem(f"code_repositories[{i}].url", "not one of the method's links")
        derived = derive_ids(repo["url"]).github
        if repo.get("github") != derived:
            yield record.problem(f"code_repositories[{i}].github", f"URL gives {derived}")
    have = {repo.get("github") for repo in repos}
    for github, index in _link_ids(record)["github"].items():
        if github not in have:
            yield record.problem(
                f"links[{index}]", f"GitHub {github} has no code_repositories entry"
            )


def check_identifiers(records: list[Record]) -> list[DataProblem]:
    """Stored identifiers are exactly those derivable from the record's own links."""
    supplements: dict[str, list[str]] = {}
    for method in by_class(records, "Method", "Resource"):
        urls = [link["url"] for link in method.data.get("links") or []]
        supplements.setdefault(method.data.get("paper", ""), []).extend(urls)
    problems = [
        p
        for r in by_class(records, "Paper", "Review")
        for p in _paper_id_problems(r, supplements.get(r.data.get("id", ""), []))
    ]
    problems += [p for r in by_class(records, "Method") for p in _method_link_problems(r)]
    return problems


def _method_rule_problems(record: Record, anchors: dict[str, str]) -> Iterator[DataProblem]:
    data = record.data
    inferred = set(data.get("inferred") or [])
    for slot in EDAM_SLOTS:
        if slot.startswith("edam_") and data.get(slot) and slot not in inferred:
            yield record.problem("inferred", f"{slot} are curator judgements: list {slot} here")
    listed = {anchors.get(p["section"], f"(section {p['section']})") for p in data["listed_in"]}
    if listed != set(data["subfields"]):
        yield record.problem(
            "subfields", f"must be the subfields of listed_in sections: {sorted(listed)}"
        )
    description = data.get("description", "")
    if len(description) > MAX_DESCRIPTION or "\n" in description.strip():
        yield record.problem("description", f"one line of at most {MAX_DESCRIPTION} characters")


def check_method_rules(records: list[Record]) -> list[DataProblem]:
    """Method-level rules: EDAM marked as inferred, subfields match listings, short descriptions."""
    anchors = {
        r.data["anchor"]: r.data["id"] for r in by_class(records, "Subfield") if "anchor" in r.data
    }
    entries = by_class(records, "Method", "Resource")
    return [p for r in entries for p in _method_rule_problems(r, anchors)]


def check_relations(records: list[Record]) -> list[DataProblem]:
    """Each relation points at another method, once per kind and target."""
    methods = {r.data["id"] for r in by_class(records, "Method")}
    problems = []
    for record in by_class(records, "Method"):
        seen = set()
        for i, relation in enumerate(record.data.get("relations") or []):
            target, key = relation["target"], (relation["relation"], relation["target"])
            if target not in methods:
                problems.append(record.problem(f"relations[{i}].target", f"no method {target}"))
            elif target == record.data["id"]:
                problems.append(record.problem(f"relations[{i}].target", "a method's own id"))
            elif key in seen:
                problems.append(record.problem(f"relations[{i}]", "the same relation twice"))
            seen.add(key)
    return problems
