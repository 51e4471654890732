"""kg/shacl.py agrees with pyshacl on every example of tests/data and on the built fixture KG."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse
from rdflib import Graph

from kg.convert import Converter
from kg.namespaces import PREFIXES, expand
from kg.paths import PROJECT_ROOT
from kg.schema import SchemaArtifacts, ensure_artifacts
from kg.shacl import violations
from kg.shapes import ShapeError, read_shapes

EXAMPLES = sorted((Path(__file__).parent.parent / "data").glob("*/*.yaml"))
DLBIO = PREFIXES["dlbio"]
XSD = PREFIXES["xsd"]


@pytest.fixture(scope="module")
def artifacts(schema_cache: Path) -> SchemaArtifacts:
    return ensure_artifacts(PROJECT_ROOT / "schema" / "dlbio.yaml", schema_cache)


def pyshacl_keys(triples: list[Triple], shapes: Path) -> set[tuple[str, str, str, str]]:
    """pyshacl's results as (focus, path, component, value) in N-Triples terms."""
    import pyshacl

    data = Graph().parse(data="".join(f"{t} .\n" for t in triples), format="nt")
    _, report, _ = pyshacl.validate(data, shacl_graph=Graph().parse(shapes), inference="none")
    rows = report.query("""PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?f ?p ?c ?v { ?r a sh:ValidationResult ; sh:focusNode ?f ;
          sh:sourceConstraintComponent ?c . OPTIONAL { ?r sh:resultPath ?p }
          OPTIONAL { ?r sh:value ?v } }""")
    return {tuple(_n3(x) for x in row) for row in rows}


def _n3(term) -> str:
    """N-Triples form; blank nodes as ``_:`` (labels differ between the two libraries)."""
    return "" if term is None else "_:" if term.n3().startswith("_:") else term.n3()


def our_keys(triples: list[Triple], shapes: Path) -> set[tuple[str, str, str, str]]:
    found = violations(sorted(triples, key=str), read_shapes(shapes))
    keys = (x.key() for x in found)
    return {(f, f"<{p}>" if p else "", f"<{c}>", "_:" if v.startswith("_:") else v)
            for f, p, c, v in keys}  # fmt: skip


def example_triples(path: Path, artifacts: SchemaArtifacts) -> list[Triple]:
    """The example record as RDF, as the build would convert it (unknown fields as dlbio:)."""
    cls = path.stem.split("-", 1)[0]
    data = yaml.safe_load(path.read_text())
    rid = data.get("id")
    node = NamedNode(expand(rid) if isinstance(rid, str) and ":" in rid else "https://ex.org/n")
    slots = artifacts.slots[cls]
    known = {k: v for k, v in data.items() if k in slots}
    triples = Converter(artifacts).node_triples(node, cls, known)
    for name, value in data.items():
        if name not in slots:
            triples.append(Triple(node, NamedNode(DLBIO + name), Literal(str(value))))
    return triples


@pytest.mark.parametrize("path", EXAMPLES, ids=[f"{p.parent.name}/{p.name}" for p in EXAMPLES])
def test_agrees_with_pyshacl_on_each_example(path: Path, artifacts: SchemaArtifacts):
    triples = example_triples(path, artifacts)
    assert our_keys(triples, artifacts.shacl) == pyshacl_keys(triples, artifacts.shacl)


def test_the_examples_cover_failures_and_passes(artifacts: SchemaArtifacts):
    failing = [p for p in EXAMPLES if our_keys(example_triples(p, artifacts), artifacts.shacl)]
    assert 0 < len(failing) < len(EXAMPLES)


def test_agrees_with_pyshacl_on_the_fixture_kg(built_fixture, artifacts: SchemaArtifacts):
    nt = built_fixture.release / "dlbio.nt"
    triples = [Triple(q.subject, q.predicate, q.object)
               for q in parse(path=str(nt), format=RdfFormat.N_TRIPLES)]  # fmt: skip
    assert our_keys(triples, artifacts.shacl) == pyshacl_keys(triples, artifacts.shacl) == set()


def test_agrees_with_pyshacl_on_broken_values(artifacts: SchemaArtifacts):
    method = NamedNode(expand("method:danq"))
    source = PROJECT_ROOT / "tests" / "data" / "valid" / "Method-danq.yaml"
    triples = example_triples(source, artifacts)
    listing = NamedNode(method.value + "#listing-1")
    position = next(t for t in triples if t.subject == listing and isinstance(t.object, Literal))
    triples = [t for t in triples if t != position]
    triples += [
        Triple(listing, position.predicate, Literal("two", datatype=NamedNode(XSD + "integer"))),
        Triple(listing, position.predicate, Literal("0", datatype=NamedNode(XSD + "integer"))),
        Triple(method, NamedNode(PREFIXES["schema"] + "name"), Literal("DanQ", language="en")),
        Triple(method, NamedNode(PREFIXES["schema"] + "name"), BlankNode("b1")),
        Triple(method, NamedNode(PREFIXES["rdfs"] + "seeAlso"), NamedNode("https://ex.org/x")),
    ]
    ours = our_keys(triples, artifacts.shacl)
    assert len(ours) >= 4
    assert ours == pyshacl_keys(triples, artifacts.shacl)


def test_an_unsupported_constraint_is_refused(tmp_path: Path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<https://ex.org/S> a sh:NodeShape ; sh:targetClass <https://ex.org/C> ;\n"
        "  sh:property [ sh:path <https://ex.org/p> ; sh:maxLength 3 ] .\n"
    )
    with pytest.raises(ShapeError, match="maxLength"):
        read_shapes(shapes)
