"""Browse: class indexes, the faceted method list (hierarchies included) and text search.

Expectations are computed with SPARQL over the release's dump by rdflib, independently of the
server's own index.
"""

from __future__ import annotations

import re

import pytest
import rdflib
from flask.testing import FlaskClient

from kg.build import BuildResult

PREFIXES = """PREFIX schema: <http://schema.org/> PREFIX dlbio: <https://w3id.org/dlbio/schema/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX edam: <http://edamontology.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX dcterms: <http://purl.org/dc/terms/>
"""


@pytest.fixture(scope="module")
def dump(ld_release: BuildResult) -> rdflib.Graph:
    return rdflib.Graph().parse(ld_release.release / "dlbio.nt", format="nt")


def expected(dump: rdflib.Graph, pattern: str) -> set[str]:
    query = PREFIXES + f"SELECT DISTINCT ?m WHERE {{ ?m a schema:SoftwareApplication . {pattern} }}"
    return {"/" + str(row.m).split("/dlbio/", 1)[1] for row in dump.query(query)}


def listed(client: FlaskClient, query: str) -> set[str]:
    html = client.get(f"/method/?{query}").get_data(as_text=True)
    table = html.split('<table class="methods">', 1)[1]
    return set(re.findall(r'<th scope="row"><a href="(/method/[^"]+)"', table))


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        ("", ""),
        ("architecture=rnn",
         "?m dlbio:architecture/skos:broader* <https://w3id.org/dlbio/architecture/rnn> ."),
        ("architecture=autoencoder",
         "?m dlbio:architecture/skos:broader* <https://w3id.org/dlbio/architecture/autoencoder> ."),
        ("subfield=genomics",
         "?m dcterms:subject/skos:broader* <https://w3id.org/dlbio/subfield/genomics> ."),
        ("modality=dna-sequence",
         "?m dlbio:dataModality/skos:broader* <https://w3id.org/dlbio/modality/dna-sequence> ."),
        ("framework=theano", "?m schema:softwareRequirements <https://w3id.org/dlbio/framework/theano> ."),
        ("topic=topic_3295", "?m edam:has_topic/rdfs:subClassOf* edam:topic_3295 ."),
        ("code=yes", "FILTER EXISTS { ?m schema:codeRepository ?r }"),
        ("code=no", "FILTER NOT EXISTS { ?m schema:codeRepository ?r }"),
        ("year=2017", "?m schema:citation/dcterms:date ?d FILTER(STRSTARTS(?d, '2017'))"),
        ("architecture=cnn&topic=topic_0749",
         "?m dlbio:architecture/skos:broader* <https://w3id.org/dlbio/architecture/cnn> ; "
         "edam:has_topic/rdfs:subClassOf* edam:topic_0749 ."),
    ],
)
def test_facet_selects_exactly_the_matching_methods(client: FlaskClient, dump: rdflib.Graph,
                                                    query: str, pattern: str) -> None:
    want = expected(dump, pattern)
    assert want, "the expectation must not be empty"
    assert listed(client, query) == want


def test_hierarchical_facets_include_narrower_concepts(client: FlaskClient) -> None:
    assert "/method/mrnn" in listed(client, "architecture=rnn")
    assert "/method/mrnn" not in listed(client, "architecture=cnn")


def test_facet_counts_and_links_reflect_the_selection(client: FlaskClient,
                                                      dump: rdflib.Graph) -> None:
    html = client.get("/method/?subfield=genomics").get_data(as_text=True)
    n = len(expected(dump, "?m dcterms:subject/skos:broader* <https://w3id.org/dlbio/subfield/genomics> ."))
    assert f"Showing {n} of" in html
    assert re.search(rf'aria-current="true"[^>]*>Genomics</a> <span class="n">{n}</span>', html)
    assert 'href="/method/?architecture=cnn&amp;subfield=genomics"' in html


def test_text_filter_on_the_method_list(client: FlaskClient) -> None:
    assert listed(client, "q=methylation") >= {"/method/deepcpg"}
    assert "/method/deepbind" not in listed(client, "q=methylation")


def test_search_finds_names_and_descriptions(client: FlaskClient) -> None:
    html = client.get("/search?q=DanQ").get_data(as_text=True)
    assert 'href="/method/danq"' in html
    by_description = client.get("/search?q=accessible+chromatin").get_data(as_text=True)
    assert 'href="/method/basset"' in by_description
    nothing = client.get("/search?q=zzzqqq").get_data(as_text=True)
    assert "0 results" in nothing


@pytest.mark.parametrize(("path", "rdf_type"), [
    ("/paper/", "schema:ScholarlyArticle"), ("/architecture/", "dlbio:Architecture"),
    ("/modality/", "dlbio:DataModality"), ("/subfield/", "dlbio:Subfield"),
    ("/framework/", "dlbio:SoftwareFramework"), ("/repository/", "schema:SoftwareSourceCode"),
])
def test_class_index_lists_every_current_instance(client: FlaskClient, dump: rdflib.Graph,
                                                  path: str, rdf_type: str) -> None:
    query = PREFIXES + f"""SELECT ?s WHERE {{ ?s a {rdf_type}
        FILTER NOT EXISTS {{ ?s dcterms:isReplacedBy ?n }} }}"""
    want = {"/" + str(row.s).split("/dlbio/", 1)[1] for row in dump.query(query)}
    html = client.get(path).get_data(as_text=True)
    got = set(re.findall(rf'<li><a href="({path}[^"]+)"', html))
    assert got == want and want


def test_edam_index_lists_terms_used_by_methods(client: FlaskClient) -> None:
    html = client.get("/edam/").get_data(as_text=True)
    assert 'href="/edam/topic_0749"' in html
    assert 'href="/edam/operation_0438"' in html
