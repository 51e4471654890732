"""Draft records for what a list has and the data folder lacks (used by :mod:`kg.importer`).

A draft is one YAML file in ``<into>/drafts/``: ``draft: true``, a ``todo`` list of the fields a
curator must fill in, and the records keyed by the data file they belong in, in the format of
``data/README.md``::

    draft: true
    todo: [name, description, ...]
    papers.yaml:
      - id: paper:danq
        title: "DanQ: a hybrid ..."
        source: dataset:deeplearning-biology
    methods.yaml:
      - id: method:danq
        paper: paper:danq
        links: [...]
        ...

Only facts read from the list are written: title, links with kinds, identifiers derived from the
links (:mod:`kg.identifiers`), dates stated by the list or a bioRxiv link path, sections. IDs are
proposals (the entry's own name where the title starts with one, else the title's first words).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from kg.identifiers import derive_ids, link_kind, repository_host
from kg.listparse import Link, ParsedList, Section, slugify

if TYPE_CHECKING:
    from kg.importer import Entity, Folder

PUBLICATION_KINDS = frozenset({"paper", "preprint", "manuscript"})
METHOD_TODO = ["name", "description", "status", "venue", "architectures", "frameworks",
               "modalities", "edam_topics", "edam_operations", "inferred"]  # fmt: skip
REVIEW_TODO = ["description", "status", "venue"]
SUBFIELD_TODO = ["description", "exact_match or close_match"]
_NAME_SEP_RE = re.compile(r"\s*(?::|,|\s[–—-])\s+")
_EARLY_DATE_RE = re.compile(r"^https?://[^/]+/content/(?:[a-z]+/)?early/(\d{4})/(\d{2})/(\d{2})/")
_HEADER = (
    "# Draft written by `dlbio import-list`: facts read from the list, not yet curated.\n"
    "# Fill in the fields under todo, move each record into the data file it is filed under,\n"
    "# then delete this file.\n"
)


@dataclass(frozen=True)
class Draft:
    """A planned draft file: its path under the data folder, record IDs and YAML text."""

    path: str
    ids: tuple[str, ...]
    text: str


@dataclass
class DraftPlan:
    """Drafts for new entities (in their order), for new sections, and a summary of the latter."""

    entities: list[Draft] = field(default_factory=list)
    subfields: list[Draft] = field(default_factory=list)
    new_subfields: list[dict[str, Any]] = field(default_factory=list)


def is_review_section(section: Section) -> bool:
    """Whether entries of ``section`` are reviews (anchor ``reviews`` or a Review… heading)."""
    return section.anchor == "reviews" or section.heading.lower().startswith("review")


def proposed_slug(title: str) -> str:
    """ID slug proposal: the entry's own name where the title starts with one, else its words.

    >>> proposed_slug("DanQ: a hybrid network"), proposed_slug("Deep learning for population")
    ('danq', 'deep-learning-for-population')
    """
    name = _NAME_SEP_RE.split(title, maxsplit=1)[0]
    if " " not in name.strip() and name.strip():
        return slugify(name)
    return "-".join(slugify(title).split("-")[:5])


def link_date(url: str) -> str | None:
    """Date an online-first link's path carries (bioRxiv, HighWire ``content/early/Y/M/D/…``).

    >>> link_date("https://www.biorxiv.org/content/early/2016/12/21/092890")
    '2016-12-21'
    """
    m = _EARLY_DATE_RE.match(url.strip())
    return "-".join(m.groups()) if m else None


def _unique(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


class _Planner:
    """Holds what is taken (IDs, files) while drafts are planned."""

    def __init__(self, parsed: ParsedList, folder: Folder, list_name: str) -> None:
        datasets = folder.of("dataset.yaml")
        self.source = datasets[0]["id"] if datasets else f"dataset:{slugify(list_name)}"
        records = [r for name in folder.records for r in folder.of(name)]
        self.taken = {str(r.get("id", "")).split(":", 1)[-1] for r in records}
        self.taken |= {f.removeprefix("drafts/").removesuffix(".yaml") for f in folder.draft_files}
        self.subfield_ids = {
            s["anchor"]: s["id"] for s in folder.of("subfields.yaml") if "anchor" in s
        }
        listed = (p for name in ("methods.yaml", "reviews.yaml") for r in folder.of(name)
                  for p in r.get("listed_in") or [])  # fmt: skip
        self.known = set(self.subfield_ids) | {p.get("section") for p in listed}
        self.parsed = parsed
        self.plan = DraftPlan()

    def subfields(self) -> None:
        """Plan a subfield draft for each new section that holds entries (directly or below)."""
        by_anchor = {s.anchor: s for s in self.parsed.sections}
        populated: set[str] = set()
        for entry in self.parsed.entries:
            section: Section | None = entry.section
            while section is not None and section.anchor not in populated:
                populated.add(section.anchor)
                section = by_anchor.get(section.parent) if section.parent else None
        for section in self.parsed.sections:
            new = section.anchor in populated and section.anchor not in self.known
            if new and not is_review_section(section):
                self.subfield(section)

    def subfield(self, section: Section) -> None:
        """Plan the draft of one new section as a subfield (broader: its parent section)."""
        slug = _unique(slugify(section.heading), self.taken)
        sid = self.subfield_ids[section.anchor] = f"subfield:{slug}"
        record: dict[str, Any] = {"id": sid, "name": section.heading, "anchor": section.anchor}
        record["heading"] = section.heading
        if section.parent and section.parent in self.subfield_ids:
            record["broader"] = [self.subfield_ids[section.parent]]
        draft = _draft(f"subfield-{slug}", SUBFIELD_TODO, {"subfields.yaml": [record]})
        self.plan.subfields.append(draft)
        self.plan.new_subfields.append(
            {"id": sid, "anchor": section.anchor, "section_path": section.path_text,
             "line": section.line, "anchor_derived": section.anchor_derived, "draft": draft.path}
        )  # fmt: skip

    def entity(self, entity: Entity) -> None:
        """Plan the draft of one new entity (a review, or a method with its paper)."""
        slug = _unique(proposed_slug(entity.title), self.taken)
        review = any(is_review_section(e.section) for e in entity.listings)
        listed_in = [
            {"section": e.section.anchor, "section_path": e.section.path_text,
             "position": e.position}
            for e in entity.listings
        ]  # fmt: skip
        links = [_link(link) for link in entity.links]
        pub = [link for link in links if link["kind"] in PUBLICATION_KINDS]
        paper = self.paper(slug, entity, links if review else pub)
        if review:
            records = {"reviews.yaml": [paper | {"listed_in": listed_in, "source": self.source}]}
            self.plan.entities.append(_draft(slug, REVIEW_TODO, records))
            return
        method = {"id": f"method:{slug}", "paper": paper["id"]}
        method |= _method_links([link for link in links if link not in pub])
        subfields = {self.subfield_ids.get(p["section"]) for p in listed_in}
        method["subfields"] = sorted(s for s in subfields if s)
        method |= {"listed_in": listed_in, "source": self.source}
        records = {"papers.yaml": [paper | {"source": self.source}], "methods.yaml": [method]}
        self.plan.entities.append(_draft(slug, METHOD_TODO, records))

    def paper(self, slug: str, entity: Entity, links: list[dict[str, str]]) -> dict[str, Any]:
        """The paper (or review) record: title, date, identifiers and publication links."""
        paper: dict[str, Any] = {"id": f"paper:{slug}", "title": entity.title}
        dates = [d for d in map(link_date, (link["url"] for link in links)) if d]
        if entity.date:
            paper |= {"date": entity.date, "date_source": "listed"}
        elif dates:
            paper |= {"date": dates[0], "date_source": "link"}
        for name in ("doi", "arxiv", "pmid"):
            values = [getattr(derive_ids(link["url"]), name) for link in links]
            values = [v for v in values if v]
            if values:
                paper[name] = values[0]
        return paper | ({"links": links} if links else {})


def _link(link: Link) -> dict[str, str]:
    return {"label": link.label, "url": link.url, "kind": link_kind(link.label, link.url)}


def _method_links(links: list[dict[str, str]]) -> dict[str, Any]:
    """``links`` and ``code_repositories`` (code links and every GitHub link) of a method."""
    repos, taken = [], set()
    for link in links:
        github = derive_ids(link["url"]).github
        if link["kind"] != "code" and not github:
            continue
        host = repository_host(link["url"])
        slug = slugify(github.replace("/", "-")) if github else slugify(_host_path(link["url"]))
        address = link["url"].split("#", 1)[0]
        repo = {"id": f"repository:{_unique(slug, taken)}", "url": address, "host": host}
        repos.append(repo | ({"github": github} if github else {}))
    return ({"links": links} if links else {}) | ({"code_repositories": repos} if repos else {})


def _host_path(url: str) -> str:
    """Host and path of a URL, without scheme and ``www.`` (``tools.example.edu/tool``)."""
    return re.sub(r"^[a-z]+://(www\.)?", "", url.strip()).split("?", 1)[0].split("#", 1)[0]


class Dumper(yaml.SafeDumper):
    """Block style with list items indented under their key, as in ``data/``."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    """Lists of plain strings in flow style (``broader: [subfield:genomics]``)."""
    flow = all(isinstance(item, str) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


Dumper.add_representer(list, _represent_list)


def _draft(slug: str, todo: list[str], records: dict[str, list[dict[str, Any]]]) -> Draft:
    content = {"draft": True, "todo": todo} | records
    body = yaml.dump(content, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=2**16)
    ids = tuple(r["id"] for rs in records.values() for r in rs)
    return Draft(f"drafts/{slug}.yaml", ids, _HEADER + body)


def plan_drafts(
    parsed: ParsedList, new: Iterable[Entity], folder: Folder, list_name: str
) -> DraftPlan:
    """Plan drafts for new sections (subfields) and for the new entities, in list order."""
    planner = _Planner(parsed, folder, list_name)
    planner.subfields()
    for entity in new:
        planner.entity(entity)
    return planner.plan
