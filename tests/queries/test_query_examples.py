"""kg/examples.py: the example queries published as SIB-style SHACL resources."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Store, Triple

from kg.examples import (
    ENDPOINT,
    PREFIXES_IRI,
    QUERY_NS,
    ExampleError,
    example_triples,
    parse_header,
    query_form,
    read_example,
    read_examples,
)
from kg.paths import PROJECT_ROOT

QUERIES_DIR = PROJECT_ROOT / "queries"
SH = "http://www.w3.org/ns/shacl#"
SCHEMA = "http://schema.org/"
SH_PREFIXES = (
    "PREFIX sh: <http://www.w3.org/ns/shacl#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX schema: <http://schema.org/>\n"
    "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
)
GOOD_HEADER = "# title: T\n# question: Q?\n# columns: a\n# keywords: k1, k2\n# theme: th\n\n"


@pytest.fixture(scope="module")
def published() -> list[Triple]:
    """The triples publishing the project's own queries."""
    return example_triples(QUERIES_DIR)


@pytest.fixture(scope="module")
def examples_store(published: list[Triple]) -> Store:
    """An in-memory store holding only the published examples."""
    store = Store()
    store.extend(Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in published)
    return store


def _objects(triples: list[Triple], subject: str, predicate: str) -> set[str]:
    return {
        t.object.value
        for t in triples
        if t.subject == NamedNode(subject) and t.predicate == NamedNode(predicate)
    }


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_output_is_deterministic_sorted_and_without_blank_nodes(published: list[Triple]) -> None:
    again = example_triples(QUERIES_DIR)
    assert again == published
    assert [str(t) for t in published] == sorted({str(t) for t in published})
    for triple in published:
        assert not isinstance(triple.subject, BlankNode)
        assert not isinstance(triple.object, BlankNode)


def test_every_query_file_is_published_once(published: list[Triple]) -> None:
    executables = {
        t.subject.value for t in published if t.object == NamedNode(SH + "SPARQLExecutable")
    }
    assert executables == {QUERY_NS + p.stem for p in QUERIES_DIR.glob("*.rq")}


@pytest.mark.parametrize(
    ("stem", "subtype", "text_property"),
    [
        ("cnn-rnn-hybrids", "SPARQLSelectExecutable", "select"),
        ("method-neighbourhood", "SPARQLConstructExecutable", "construct"),
        ("any-attention-method", "SPARQLAskExecutable", "ask"),
        ("describe-method", None, "describe"),
    ],
)
def test_type_and_text_property_follow_the_query_form(
    published: list[Triple], stem: str, subtype: str | None, text_property: str
) -> None:
    iri = QUERY_NS + stem
    types = _objects(published, iri, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert types == {SH + "SPARQLExecutable"} | ({SH + subtype} if subtype else set())
    example = read_example(QUERIES_DIR / f"{stem}.rq")
    assert _objects(published, iri, SH + text_property) == {example.text}
    others = {"select", "construct", "ask", "describe"} - {text_property}
    for other in others:
        assert not _objects(published, iri, SH + other)


def test_label_comment_keywords_target_and_theme_come_from_the_header(
    published: list[Triple],
) -> None:
    iri = QUERY_NS + "cnn-rnn-hybrids"
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    assert _objects(published, iri, rdfs + "label") == {
        "Methods that combine convolutional and recurrent layers"
    }
    (comment,) = _objects(published, iri, rdfs + "comment")
    assert comment.startswith("Which methods use an architecture that has both")
    assert _objects(published, iri, SCHEMA + "keywords") == {
        "architecture",
        "hybrid",
        "CNN",
        "RNN",
        "LSTM",
        "SKOS",
    }
    assert _objects(published, iri, SCHEMA + "target") == {ENDPOINT}
    assert _objects(published, iri, "http://purl.org/dc/terms/subject") == {"architectures"}
    assert _objects(published, iri, SH + "prefixes") == {PREFIXES_IRI}


def test_the_published_text_has_no_header_but_keeps_its_prefixes(
    published: list[Triple],
) -> None:
    (text,) = _objects(published, QUERY_NS + "methods-by-framework", SH + "select")
    assert not text.startswith("#")
    assert "# title:" not in text
    assert text.startswith("PREFIX framework: <https://w3id.org/dlbio/framework/>")


def test_federated_example_names_the_endpoint_it_federates_with(published: list[Triple]) -> None:
    federates = "https://purl.expasy.org/sparql-examples/ontology#federatesWith"
    assert _objects(published, QUERY_NS + "federated-wikidata-papers", federates) == {
        "https://query.wikidata.org/sparql"
    }
    assert not _objects(published, QUERY_NS + "cnn-rnn-hybrids", federates)


def test_prefix_declarations_cover_every_prefix_the_queries_use(published: list[Triple]) -> None:
    declared = {}
    for declaration in _objects(published, PREFIXES_IRI, SH + "declare"):
        (prefix,) = _objects(published, declaration, SH + "prefix")
        (namespace,) = _objects(published, declaration, SH + "namespace")
        declared[prefix] = namespace
    for example in read_examples(QUERIES_DIR):
        for prefix, namespace in example.prefixes.items():
            assert declared[prefix] == namespace
    namespaces = [t.object for t in published if t.predicate == NamedNode(SH + "namespace")]
    assert all(
        isinstance(n, Literal)
        and n.datatype == NamedNode("http://www.w3.org/2001/XMLSchema#anyURI")
        for n in namespaces
    )


def test_select_examples_are_discoverable_by_sparql(examples_store: Store) -> None:
    query = SH_PREFIXES + "SELECT ?q ?text WHERE { ?q a sh:SPARQLExecutable ; sh:select ?text }"
    found = {row["q"].value: row["text"].value for row in examples_store.query(query)}
    selects = [e for e in read_examples(QUERIES_DIR) if e.form == "SELECT"]
    assert found == {e.iri: e.text for e in selects}


def test_examples_are_discoverable_by_keyword_and_theme(examples_store: Store) -> None:
    query = SH_PREFIXES + (
        'SELECT ?q WHERE { ?q a sh:SPARQLExecutable ; schema:keywords "Kipoi" ;'
        ' dcterms:subject "registries" }'
    )
    found = {row["q"].value for row in examples_store.query(query)}
    assert found == {
        QUERY_NS + "registry-cross-references",
        QUERY_NS + "method-external-links",
        QUERY_NS + "kipoi-models",
    }


def test_a_discovered_query_runs_on_the_kg(examples_store: Store, real_kg: Store) -> None:
    query = SH_PREFIXES + (
        "SELECT ?text WHERE { <" + QUERY_NS + "cnn-rnn-hybrids> sh:select ?text }"
    )
    (row,) = list(examples_store.query(query))
    methods = {r["method"].value for r in real_kg.query(row["text"].value)}
    assert methods == {
        "https://w3id.org/dlbio/method/danq",
        "https://w3id.org/dlbio/method/deeperbind",
        "https://w3id.org/dlbio/method/deepcpg",
    }


def test_parse_header_splits_header_from_query() -> None:
    header, text = parse_header(GOOD_HEADER + "PREFIX a: <http://a/>\nSELECT * { ?s ?p ?o }\n")
    assert header == {
        "title": "T",
        "question": "Q?",
        "columns": "a",
        "keywords": "k1, k2",
        "theme": "th",
    }
    assert text == "PREFIX a: <http://a/>\nSELECT * { ?s ?p ?o }\n"


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("PREFIX a: <http://a/>\nPREFIX : <http://b/>\nselect * { ?s ?p ?o }", "SELECT"),
        ("# a comment\nBASE <http://a/>\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("ASK { ?s ?p ?o }", "ASK"),
        ("PREFIX m: <http://m/>\nDESCRIBE m:x", "DESCRIBE"),
    ],
)
def test_query_form_is_read_after_the_prologue(text: str, form: str) -> None:
    assert query_form(text) == form


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("# title: T\n# question: Q?\n# columns: a\n# keywords: k\n\nASK {}\n", "lacks theme"),
        (
            GOOD_HEADER.replace("# theme: th\n", "# theme: th\n# colour: red\n") + "ASK {}\n",
            "unknown header keys: colour",
        ),
        (
            GOOD_HEADER.replace("# theme: th\n", "# theme: th\n# theme: again\n") + "ASK {}\n",
            "given twice",
        ),
        (GOOD_HEADER + "INSERT DATA { <a:a> <a:b> <a:c> }\n", "no SELECT"),
    ],
)
def test_bad_query_files_are_refused_with_their_name(
    tmp_path: Path, content: str, message: str
) -> None:
    _write(tmp_path, "bad.rq", content)
    with pytest.raises(ExampleError, match=rf"bad\.rq: .*{message}"):
        example_triples(tmp_path)


def test_conflicting_prefix_declarations_are_refused(tmp_path: Path) -> None:
    _write(tmp_path, "a.rq", GOOD_HEADER + "PREFIX schema: <https://schema.org/>\nASK {}\n")
    with pytest.raises(ExampleError, match="prefix schema:"):
        example_triples(tmp_path)


def test_a_query_may_not_take_the_name_of_the_prefix_declarations(tmp_path: Path) -> None:
    _write(tmp_path, "prefixes.rq", GOOD_HEADER + "ASK {}\n")
    with pytest.raises(ExampleError, match="prefixes"):
        example_triples(tmp_path)
