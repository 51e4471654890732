"""Large data files are parsed in chunks on two cores: same records, errors still located."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml12

from kg.errors import DataInvalid
from kg.records import CHUNK_CHARS, CHUNKED_CHARS, _chunks, _parse_text, read_file

ITEM = """- id: method:m-{i:05d}
  name: "Method {i}: a name with # and - inside"
  description: |
    Block text.
    - not an item, indented
  links:
  - url: https://example.org/{i}
    kind: docs
"""


def big_text(n: int = 30_000) -> str:
    return "# a comment\n" + "".join(ITEM.format(i=i) for i in range(n))


def test_a_large_file_is_cut_into_several_chunks_at_items() -> None:
    text = big_text()
    chunks = _chunks(text)
    assert len(text) > 2 * CHUNK_CHARS
    assert chunks is not None and len(chunks) >= 2
    assert "".join(chunks) == text
    assert all(c.startswith("- ") for c in chunks[1:])


def test_chunked_parse_equals_the_whole_file_parse() -> None:
    text = big_text()
    assert _parse_text(text) == yaml12.parse_yaml(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\n" + "x" * CHUNKED_CHARS,  # a mapping, not a list of items
        "---\n" + big_text(),  # a document marker at column 0
        big_text(10),  # small
    ],
)
def test_other_files_are_parsed_whole(text: str) -> None:
    assert _chunks(text) is None


def test_an_error_in_a_later_chunk_is_located_in_the_whole_file(tmp_path: Path) -> None:
    lines = big_text().splitlines(keepends=True)
    bad = len(lines) - 5
    lines[bad] = '  name: "unclosed\n'
    path = tmp_path / "methods.yaml"
    path.write_text("".join(lines))
    with pytest.raises(DataInvalid) as caught:
        read_file(path, "Method")
    message = str(caught.value)
    assert message.startswith("methods.yaml: malformed YAML: line ")
