"""The build: specific triples, EDAM ancestry, determinism, dumps, VoID and the atomic switch."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Store, Triple, parse

from kg.build import build
from kg.errors import DataInvalid
from kg.namespaces import PREFIXES
from kg.paths import Paths
from kg.query import open_store

DUMPS = ["dlbio.ttl", "dlbio.nt", "dlbio.jsonld"]


def _ask(store: Store, query: str) -> bool:
    return bool(store.query(query, prefixes=PREFIXES))


def test_method_triples_use_the_schema_uris(built_fixture):
    store = open_store(built_fixture.release)
    assert _ask(
        store,
        """ASK { method:danq a schema:SoftwareApplication ; rdfs:label "DanQ" ;
        schema:citation paper:danq ; dlbio:architecture architecture:cnn-lstm ;
        schema:softwareRequirements framework:keras, framework:theano ;
        edam:has_topic edam:topic_0749 ; dcterms:subject subfield:enhancers }""",
    )


def test_review_is_also_a_paper(built_fixture):
    store = open_store(built_fixture.release)
    assert _ask(
        store,
        "ASK { paper:primer-deep-learning-genomics a fabio:ReviewArticle, schema:ScholarlyArticle }",
    )


def test_listing_provenance_is_prov(built_fixture):
    store = open_store(built_fixture.release)
    assert _ask(
        store,
        """ASK { method:deepcpg prov:wasDerivedFrom dataset:deeplearning-biology ;
        prov:qualifiedDerivation [ prov:entity dataset:deeplearning-biology ;
            dlbio:listSection "genomics_single-cell" ; dlbio:listPosition 1 ] }""",
    )


def test_edam_ancestry_makes_subclass_queries_work_offline(built_fixture):
    store = open_store(built_fixture.release)
    # Transcription factors and regulatory sites (0749) sits under Topic (0003) via Gene regulation
    assert _ask(
        store,
        """ASK { method:danq edam:has_topic ?t . ?t rdfs:subClassOf* edam:topic_0003 .
        edam:topic_0749 rdfs:label "Transcription factors and regulatory sites" }""",
    )


def test_skos_concepts_and_schemes(built_fixture):
    store = open_store(built_fixture.release)
    assert _ask(
        store,
        """ASK { architecture:lstm a skos:Concept ; skos:broader architecture:rnn ;
        skos:inScheme <https://w3id.org/dlbio/scheme/architectures> .
        architecture:rnn skos:topConceptOf <https://w3id.org/dlbio/scheme/architectures> .
        architecture:cnn-lstm dcterms:hasPart architecture:cnn, architecture:lstm }""",
    )


def test_no_blank_nodes(built_fixture):
    text = (built_fixture.release / "dlbio.nt").read_text()
    assert "_:" not in text


def test_dumps_parse_to_the_same_graph(built_fixture):
    graphs = []
    for name, fmt in zip(
        DUMPS, [RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.JSON_LD], strict=True
    ):
        raw = gzip.decompress((built_fixture.release / f"{name}.gz").read_bytes())
        assert raw == (built_fixture.release / name).read_bytes()
        graphs.append({str(t) for t in parse(raw, format=fmt)})
    assert graphs[0] == graphs[1] == graphs[2]
    assert len(graphs[0]) == built_fixture.triples


def test_manifest_and_void_describe_the_dumps(built_fixture):
    release = built_fixture.release
    manifest = json.loads((release / "manifest.json").read_text())
    store = open_store(release)
    for name, info in manifest["files"].items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == info["sha256"]
    query = """PREFIX spdx: <http://spdx.org/rdf/terms#>
        SELECT ?url ?size ?sum WHERE { dataset:dlbio-kg dcat:distribution ?d .
        ?d dcat:downloadURL ?url ; dcat:byteSize ?size ; spdx:checksum/spdx:checksumValue ?sum }"""
    rows = {
        r["url"].value.rsplit("/", 1)[1]: (int(r["size"].value), r["sum"].value)
        for r in store.query(query, prefixes=PREFIXES)
    }
    assert rows == {
        name: (info["size"], info["sha256"]) for name, info in manifest["files"].items()
    }
    assert _ask(
        store,
        f"""ASK {{ dataset:dlbio-kg a void:Dataset ; dcat:version "{manifest["version"]}" ;
        void:triples {manifest["triples"]} ; dcterms:license ?l ; dcterms:created ?c ;
        void:classPartition [ void:class schema:SoftwareApplication ; void:entities 2 ] }}""",
    )


def test_two_builds_give_byte_identical_dumps(fixture_paths: Paths, tmp_path: Path):
    first = build(fixture_paths)
    second = build(
        Paths(
            fixture_paths.schema, fixture_paths.data, tmp_path / "other", fixture_paths.schema_cache
        )
    )
    for name in [*DUMPS, *(f"{d}.gz" for d in DUMPS)]:
        assert (first.release / name).read_bytes() == (second.release / name).read_bytes(), name
    assert first.version == second.version


def test_a_changed_record_changes_the_version(fixture_paths: Paths):
    first = build(fixture_paths)
    methods = fixture_paths.data / "methods.yaml"
    methods.write_text(methods.read_text().replace("name: DanQ", "name: DanQ model"))
    assert build(fixture_paths).version != first.version


def test_failed_build_leaves_the_current_release_untouched(fixture_paths: Paths):
    good = build(fixture_paths)
    before = {p.name: p.read_bytes() for p in good.release.iterdir() if p.is_file()}
    methods = fixture_paths.data / "methods.yaml"
    methods.write_text(methods.read_text().replace("paper: paper:danq", "paper: paper:nope"))
    with pytest.raises(DataInvalid):
        build(fixture_paths)
    assert fixture_paths.current.resolve() == good.release.resolve()
    assert {p.name: p.read_bytes() for p in good.release.iterdir() if p.is_file()} == before
    assert not list(fixture_paths.releases.glob(".staging-*"))


def test_leftovers_of_a_killed_build_do_not_break_the_next(fixture_paths: Paths):
    good = build(fixture_paths)
    leftover = fixture_paths.releases / ".staging-killed"
    (leftover / "store").mkdir(parents=True)
    (leftover / "dlbio.nt").write_text("half a dump")
    result = build(fixture_paths)
    assert fixture_paths.current.resolve() == result.release.resolve()
    assert result.version == good.version
    assert (result.release / "dlbio.nt").read_bytes() == (good.release / "dlbio.nt").read_bytes()


EXAMPLE = """# title: Method names
# question: What are the methods called?
# columns: name
# keywords: methods, names
# theme: basics
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?name WHERE { ?m a <http://schema.org/SoftwareApplication> ; rdfs:label ?name }
"""


def _with_queries(paths: Paths, queries: Path) -> Paths:
    return Paths(paths.schema, paths.data, paths.build, paths.schema_cache, queries)


def test_example_queries_are_published_in_the_kg_and_listed_in_void(
    fixture_paths: Paths, tmp_path: Path
):
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "method-names.rq").write_text(EXAMPLE)
    store = open_store(build(_with_queries(fixture_paths, queries)).release)
    assert _ask(
        store,
        """ASK { <https://w3id.org/dlbio/query/method-names> a sh:SPARQLExecutable ;
        sh:select ?text . dataset:dlbio-kg void:subset/void:exampleResource <https://w3id.org/dlbio/query/method-names> }""",
    )


def test_a_malformed_example_query_fails_the_build_and_keeps_the_kg(
    fixture_paths: Paths, tmp_path: Path
):
    from kg.errors import BuildFailed

    good = build(fixture_paths)
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "broken.rq").write_text(EXAMPLE.replace("# title: Method names\n", ""))
    with pytest.raises(BuildFailed, match=r"broken\.rq"):
        build(_with_queries(fixture_paths, queries))
    assert fixture_paths.current.resolve() == good.release.resolve()


def test_parses_are_cached_by_content_and_an_edit_is_seen(fixture_paths: Paths):
    first = build(fixture_paths)
    cached = sorted(fixture_paths.parse_cache.glob("*.pickle"))
    assert len(cached) == len(list(fixture_paths.data.glob("*.yaml")))
    methods = fixture_paths.data / "methods.yaml"
    methods.write_text(methods.read_text().replace("name: DanQ", "name: DanQ2"))
    second = build(fixture_paths)
    assert second.version != first.version
    assert "DanQ2" in (second.release / "dlbio.nt").read_text()
    assert len(list(fixture_paths.parse_cache.glob("*.pickle"))) == len(cached) + 1


@pytest.mark.parametrize(
    "obj",
    [
        NamedNode("https://w3id.org/dlbio/method/x#link-1"),
        Literal("plain"),
        Literal('quote " backslash \\ newline \n tab \t return \r'),
        Literal("café ☕ \u0007 bell"),
        Literal("Tiếng Việt", language="vi"),
        Literal("2024-01-02T03:04:05Z", datatype=NamedNode(PREFIXES["xsd"] + "dateTime")),
        Literal("42", datatype=NamedNode(PREFIXES["xsd"] + "integer")),
    ],
)
def test_a_statement_line_is_the_text_of_its_triple(obj):
    """kg.build.graph_lines writes f"{s} {p} {o}" for the text of str(Triple(s, p, o))."""
    subject, predicate = (
        NamedNode("https://w3id.org/dlbio/method/x"),
        NamedNode(PREFIXES["rdfs"] + "label"),
    )
    assert f"{subject} {predicate} {obj}" == str(Triple(subject, predicate, obj))
