"""README's "Link to DLBio-KG" states the prefix, pattern and uri_format the server publishes."""

from __future__ import annotations

import re

from kg.paths import PROJECT_ROOT
from server.graph.segments import ENTITY_SEGMENTS
from server.site.registry import PATTERN

README = PROJECT_ROOT / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    assert "\n## Link to DLBio-KG\n" in text, "README needs its 'Link to DLBio-KG' section"
    return text.split("\n## Link to DLBio-KG\n", 1)[1].split("\n## ", 1)[0]


def _field(name: str) -> str:
    match = re.search(rf"^\| {name} \| `(.+?)` \|", _section(), re.M)
    assert match, f"the section's table needs a {name} row"
    return match.group(1).replace("\\|", "|")


def test_the_prefix_and_uri_format_are_the_w3id_ones() -> None:
    assert _field("prefix") == "dlbio"
    assert _field("uri_format") == "https://w3id.org/dlbio/$1"


def test_the_documented_pattern_is_the_one_the_server_publishes() -> None:
    assert _field("pattern") == PATTERN


def test_the_pattern_covers_an_id_of_every_segment_the_server_answers() -> None:
    for segment in ENTITY_SEGMENTS:
        assert re.fullmatch(_field("pattern"), f"{segment}/an-id-2"), segment


def test_the_section_points_at_the_w3id_rules() -> None:
    assert "(w3id/README.md)" in _section()
    assert (PROJECT_ROOT / "w3id" / ".htaccess").is_file()
