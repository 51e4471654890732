"""kg/dumps.py: the Turtle writer never leaves a backslash-escaped local name (Virtuoso keeps it)."""

from __future__ import annotations

import re

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse

from kg.dumps import turtle_bytes
from kg.namespaces import expand

#: A prefixed name (outside literals and <IRIs>) holding a backslash escape.
ESCAPED_NAME = re.compile(r"(?:^|\s)[A-Za-z][\w.-]*:\S*\\")


def _outside_literals(turtle: str) -> str:
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', turtle)


TRIPLES = [
    Triple(NamedNode(expand("method:basenji") + "#link-1"), NamedNode(expand("schema:url")),
           NamedNode("https://github.com/calico/basenji")),
    Triple(NamedNode(expand("method:basenji")), NamedNode(expand("schema:hasPart")),
           NamedNode(expand("method:basenji") + "#link-1")),
    Triple(NamedNode(expand("method:a~b")), NamedNode(expand("rdfs:label")),
           Literal('quote " and method:x\\#y in text')),
    Triple(NamedNode(expand("method:plain")), NamedNode(expand("rdfs:label")), Literal("plain")),
]  # fmt: skip


def test_turtle_writes_iris_that_would_need_an_escape_in_full():
    text = turtle_bytes(sorted(TRIPLES, key=str)).decode()
    assert not ESCAPED_NAME.search(_outside_literals(text)), text
    assert "<https://w3id.org/dlbio/method/basenji#link-1>" in text
    assert "method:plain" in text


def test_turtle_still_parses_to_the_same_triples():
    text = turtle_bytes(sorted(TRIPLES, key=str))
    parsed = {Triple(q.subject, q.predicate, q.object)
              for q in parse(text, format=RdfFormat.TURTLE)}  # fmt: skip
    assert parsed == set(TRIPLES)


def test_the_built_dumps_have_no_escaped_local_names(built_fixture):
    for name in ("dlbio.ttl", "void.ttl"):
        text = (built_fixture.release / name).read_text()
        assert not ESCAPED_NAME.search(_outside_literals(text)), name
