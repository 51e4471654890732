"""The markdown list parser, one format quirk per test, on the project's own fixture lists."""

from __future__ import annotations

import pytest

from kg.listparse import Entry, ParsedList, normalise_title, parse_list, slugify, split_date


def entry(parsed: ParsedList, title_start: str) -> Entry:
    """The single entry whose title starts with ``title_start``."""
    found = [e for e in parsed.entries if e.title.startswith(title_start)]
    assert len(found) == 1, [e.title for e in parsed.entries]
    return found[0]


def links(e: Entry) -> list[tuple[str, str]]:
    return [(link.label, link.url) for link in e.links]


def test_document_title_is_not_a_section(quirks: ParsedList) -> None:
    assert quirks.title == "toy-list"
    assert "toy-list" not in [s.heading for s in quirks.sections]


def test_sections_keep_listed_anchors_and_derive_missing_ones(quirks: ParsedList) -> None:
    assert [(s.anchor, s.path_text, s.parent, s.anchor_derived) for s in quirks.sections] == [
        ("reviews", "Reviews", None, False),
        ("genomics", "Genomics", None, False),
        ("genomics_toy-enhancers", "Genomics > Toy enhancers", "genomics", False),
        ("toy-single-cells", "Genomics > Toy single cells", "genomics", True),
        ("toy-neuroscience", "Toy neuroscience", None, True),
    ]


def test_every_entry_is_read_in_order_with_its_position(quirks: ParsedList) -> None:
    assert [(e.line, e.section.anchor, e.position) for e in quirks.entries] == [
        (7, "reviews", 1),
        (15, "genomics_toy-enhancers", 1),
        (21, "genomics_toy-enhancers", 2),
        (23, "genomics_toy-enhancers", 3),
        (25, "genomics_toy-enhancers", 4),
        (29, "genomics_toy-enhancers", 5),
        (38, "toy-single-cells", 1),
        (45, "toy-single-cells", 2),
        (49, "toy-neuroscience", 1),
    ]
    assert quirks.problems == []


def test_title_spanning_two_lines_is_joined_with_one_space(quirks: ParsedList) -> None:
    e = entry(quirks, "ToyNet")
    assert e.title == "ToyNet: a made-up network for toy enhancer prediction"
    assert links(e) == [
        ("github", "https://github.com/example-lab/ToyNet"),
        ("preprint", "https://www.biorxiv.org/content/early/2018/02/03/123456"),
    ]


def test_links_without_space_after_the_title(quirks: ParsedList) -> None:
    e = entry(quirks, "GlueNet")
    assert e.title == "GlueNet - links glued to the title"
    assert [label for label, _ in links(e)] == ["code", "paper"]


def test_date_prefix_is_split_from_the_title(quirks: ParsedList) -> None:
    e = quirks.entries[0]
    assert (e.date, e.title) == ("2020-03", "A made-up review of deep nets for cells")


def test_entry_listed_twice_gives_two_listings_with_the_same_links(quirks: ParsedList) -> None:
    first, second = [e for e in quirks.entries if e.title.startswith("SharedCpG")]
    assert (first.section.anchor, second.section.anchor) == (
        "genomics_toy-enhancers",
        "toy-single-cells",
    )
    assert (
        links(first)
        == links(second)
        == [
            ("paper", "http://dx.doi.org/10.9999/shared.1"),
            ("code", "https://github.com/example-lab/SharedCpG"),
            ("docs", "http://sharedcpg.readthedocs.io/en/latest/"),
        ]
    )
    assert [link.line for link in first.links] == [30, 31, 32]


def test_empty_description(quirks: ParsedList) -> None:
    e = entry(quirks, "Silent entry")
    assert e.description == ""
    assert links(e) == [("manuscript", "https://openreview.net/forum?id=AbC-dEf")]


def test_inline_links_in_descriptions_are_not_entry_links(quirks: ParsedList) -> None:
    e = entry(quirks, "ToyNet")
    assert "https://github.com/other-lab/Other" in e.description
    assert "NotAnEntryLink" in e.description
    all_urls = {link.url for x in quirks.entries for link in x.links}
    assert not all_urls & {
        "https://example.org/intro",
        "https://github.com/other-lab/Other",
        "https://github.com/inline-lab/NotAnEntryLink",
    }


def test_links_after_parenthetical_text_are_entry_links(quirks: ParsedList) -> None:
    e = entry(quirks, "Several papers")
    assert e.title == "Several papers at once"
    assert links(e) == [
        ("code", "https://github.com/example-lab/Several"),
        ("paper", "https://arxiv.org/abs/1801.01234v2"),
    ]
    assert e.note == "(and other papers too) (one out of several)"


def test_unknown_labels_and_bullets_are_kept(quirks: ParsedList) -> None:
    e = entry(quirks, "Bulleted entry")
    assert [label for label, _ in links(e)] == ["homepage", "slides", "web server"]


def test_malformed_lines_are_reported_with_line_numbers(malformed: ParsedList) -> None:
    assert [(p.line, p.message) for p in malformed.problems] == [
        (5, "unclosed bold title (missing closing **)"),
        (9, "malformed link"),
        (11, "link with single brackets among the entry's links"),
        (15, "links outside an entry (no bold title before them)"),
    ]
    assert malformed.problems[3].text == "[[orphan](https://github.com/example-lab/Orphan)]"


def test_malformed_entries_are_kept_with_what_could_be_recovered(malformed: ParsedList) -> None:
    assert [(e.line, e.title, links(e)) for e in malformed.entries] == [
        (5, "Unclosed bold title", [("code", "https://github.com/example-lab/Unclosed")]),
        (9, "Broken link entry", [("code", "https://github.com/example-lab/Broken")]),
        (11, "Single bracket entry", [("paper", "https://doi.org/10.9999/single.1")]),
        (13, "Fine entry", [("code", "https://github.com/example-lab/Fine")]),
        (17, "Bold line without links", []),
    ]
    assert malformed.entries[0].description == "Description of the unclosed entry."


def test_entries_before_any_section_go_to_a_section_named_after_the_title() -> None:
    parsed = parse_list("# My list\n\n**Lonely** [[code](https://github.com/a/b)]\n")
    assert [(e.title, e.section.anchor, e.section.path_text) for e in parsed.entries] == [
        ("Lonely", "my-list", "My list")
    ]


def test_several_top_level_headings_are_all_sections() -> None:
    parsed = parse_list(
        "# One\n\n**A** [[code](https://x.org/a)]\n\n# Two\n\n**B** [[code](https://x.org/b)]\n"
    )
    assert parsed.title is None
    assert [e.section.anchor for e in parsed.entries] == ["one", "two"]


def test_repeated_derived_anchor_gets_a_suffix_and_repeated_listed_one_a_problem() -> None:
    text = "## Misc\n\n## Misc\n\n## A <a name='x'></a>\n\n## B <a name='x'></a>\n"
    parsed = parse_list(text)
    assert [s.anchor for s in parsed.sections] == ["misc", "misc-2", "x", "x"]
    assert [(p.line, p.message) for p in parsed.problems] == [
        (7, "anchor 'x' is used by an earlier section")
    ]


def test_title_closing_after_too_many_lines_is_unclosed() -> None:
    text = "## S\n\n**A title\nover\nmany\nlines\nends here** [[code](https://x.org/a)]\n"
    parsed = parse_list(text)
    assert [(p.line, p.message) for p in parsed.problems] == [
        (3, "unclosed bold title (missing closing **)")
    ]
    assert parsed.entries[0].title == "A title"


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Drug discovery", "drug-discovery"), ("Generic 'omics tools", "generic-omics-tools"),
     ("3D imaging", "s-3d-imaging"), ("Systems biology", "systems-biology")],
)  # fmt: skip
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_normalise_title_ignores_date_case_and_punctuation() -> None:
    assert normalise_title("(2019-04) Basset – learning, the CODE") == "basset learning the code"
    assert normalise_title("Basset - learning the code") == "basset learning the code"


def test_split_date() -> None:
    assert split_date("(2019) A review") == ("2019", "A review")
    assert split_date("A (2019) review") == (None, "A (2019) review")
