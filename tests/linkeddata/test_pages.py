"""Entity pages: what they say, the links out our facts support, related entities, head links."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_method_page_shows_name_description_and_views(client: FlaskClient) -> None:
    html = page(client, "/method/deepbind")
    assert "<h1>DeepBind</h1>" in html
    assert "Learns the sequence preferences" in html
    for href in ("/method/deepbind.ttl", "/method/deepbind.jsonld", "/method/deepbind.nt",
                 "/method/deepbind.rdf"):
        assert f'href="{href}"' in html
    assert 'href="/query?query=DESCRIBE+%3Chttps%3A%2F%2Fw3id.org%2Fdlbio%2Fmethod%2Fdeepbind%3E"' in html


def test_method_page_links_doi_code_and_kipoi(client: FlaskClient) -> None:
    html = page(client, "/method/deepbind")
    assert 'href="https://doi.org/10.1038/nbt.3300"' in html
    assert 'href="https://kipoi.org/models/DeepBind/"' in html
    assert "kipoi/models DeepBind/model-template.yaml" in html


def test_method_page_links_github_web_server_and_biotools(client: FlaskClient) -> None:
    html = page(client, "/method/dcell")
    assert 'href="http://d-cell.ucsd.edu"' in html
    assert 'href="https://bio.tools/dcell"' in html
    danq = page(client, "/method/danq")
    assert 'href="https://github.com/uci-cbcl/DanQ"' in danq


def test_paper_page_links_arxiv_and_lists_its_method(client: FlaskClient) -> None:
    html = page(client, "/paper/deeperbind")
    assert 'href="https://arxiv.org/abs/1611.05777"' in html
    assert 'href="/method/deeperbind"' in html


def test_edam_labels_link_to_our_page_and_the_edam_browser(client: FlaskClient) -> None:
    html = page(client, "/method/deepbind")
    assert 'href="/edam/topic_0749"' in html
    assert 'href="https://edamontology.github.io/edam-browser/#topic_0749"' in html
    assert "Transcription factors and regulatory sites" in html


def test_no_link_out_without_a_supporting_fact(client: FlaskClient) -> None:
    html = page(client, "/method/deepbind")
    assert "bio.tools" not in html
    assert "arxiv.org" not in html


def test_architecture_page_lists_methods_of_narrower_architectures(client: FlaskClient) -> None:
    html = page(client, "/architecture/rnn")
    assert 'href="/method/mrnn"' in html
    assert re.search(r'href="/method/mrnn">[^<]+</a>\s*<small class="note">via Gated recurrent unit', html)
    assert 'href="/architecture/lstm"' in html


def test_hybrid_architecture_appears_under_its_broader_concept(client: FlaskClient) -> None:
    html = page(client, "/architecture/neural-network")
    assert 'href="/method/danq"' in html
    assert 'href="/method/scvae"' in html


def test_edam_term_page_lists_methods_of_descendant_terms(client: FlaskClient) -> None:
    html = page(client, "/edam/topic_3295")
    assert "Epigenetics" in html
    assert 'href="/method/basset"' in html
    assert "via Epigenomics" in html
    assert 'href="https://edamontology.github.io/edam-browser/#topic_3295"' in html


def test_framework_and_repository_pages_list_their_methods(client: FlaskClient) -> None:
    assert 'href="/method/danq"' in page(client, "/framework/keras")
    assert 'href="/method/danq"' in page(client, "/repository/uci-cbcl-danq")


@pytest.mark.parametrize(
    "path",
    ["/", "/method/deepbind", "/method/", "/paper/", "/download", "/search?q=dna", "/browse",
     "/edam/", "/schema/", "/schema/Method", "/subfield/genomics"],
)
def test_every_page_links_the_void_in_its_head(client: FlaskClient, path: str) -> None:
    html = page(client, path)
    head = html.split("</head>", 1)[0]
    assert '<link rel="describedby" type="text/turtle" href="/.well-known/void"' in head
    assert '<html lang="en">' in html


def test_pages_do_not_load_scripts_or_remote_assets(client: FlaskClient) -> None:
    html = page(client, "/method/deepbind")
    assert re.findall(r"<script(?![^>]*application/ld\+json)", html) == []
    assert re.findall(r'(?:src|href)="https?://[^"]+\.(?:css|js)"', html) == []
    assert client.get("/static/style.css").status_code == 200
