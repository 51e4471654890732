"""Identifier derivation, link kinds and repository hosts: one table row per URL shape."""

from __future__ import annotations

import pytest

from kg.identifiers import (
    DEFAULT_KIND,
    LINK_KINDS,
    DerivedIds,
    derive_ids,
    host_kind,
    label_kind,
    link_kind,
    repository_host,
    supplement_doi,
)

DOI_CASES = [
    # OUP HighWire: <journal>.<article id> is 10.1093/<journal>/<article id>
    (
        "http://nar.oxfordjournals.org/content/early/2014/11/05/nar.gku1058.full",
        "10.1093/nar/gku1058",
    ),
    (
        "https://nar.oxfordjournals.org/content/early/2014/11/05/nar.gku1058.abstract",
        "10.1093/nar/gku1058",
    ),
    # Genome Research article IDs are DOI suffixes under 10.1101
    ("https://genome.cshlp.org/content/early/2018/03/27/gr.227819.117", "10.1101/gr.227819.117"),
    ("http://dx.doi.org/10.1186/s13059-017-1189-z", "10.1186/s13059-017-1189-z"),
    ("https://doi.org/10.1038/nbt.3300", "10.1038/nbt.3300"),
    ("https://doi.org/10.1038/nbt.3300/", "10.1038/nbt.3300"),
    (
        "https://academic.oup.com/bib/advance-article/doi/10.1093/bib/bbz144/5669856#186956080",
        "10.1093/bib/bbz144",
    ),
    (
        "https://academic.oup.com/bioinformatics/article-abstract/doi/10.1093/bioinformatics/"
        "btx196/3611270/Removal-of-Batch-Effects-using-Distribution",
        "10.1093/bioinformatics/btx196",
    ),
    ("http://link.springer.com/article/10.1007%2Fs13721-016-0129-2", "10.1007/s13721-016-0129-2"),
    ("https://link.springer.com/article/10.1007/s13721-016-0129-2", "10.1007/s13721-016-0129-2"),
    (
        "http://journals.plos.org/ploscompbiol/article?id=10.1371/journal.pcbi.1004845",
        "10.1371/journal.pcbi.1004845",
    ),
    (
        "http://journal.frontiersin.org/article/10.3389/fnins.2014.00229/abstract",
        "10.3389/fnins.2014.00229",
    ),
    (
        "https://www.frontiersin.org/articles/10.3389/fnins.2014.00229/full",
        "10.3389/fnins.2014.00229",
    ),
    ("https://www.nature.com/articles/s41576-019-0122-6", "10.1038/s41576-019-0122-6"),
    ("https://www.nature.com/articles/nmeth.4627/", "10.1038/nmeth.4627"),
    ("http://www.nature.com/articles/srep19598", "10.1038/srep19598"),
    ("https://www.nature.com/articles/nmeth.4627.pdf", "10.1038/nmeth.4627"),
    ("http://www.nature.com/nmeth/journal/v12/n10/full/nmeth.3547.html", "10.1038/nmeth.3547"),
    ("http://www.nature.com/nbt/journal/v33/n8/full/nbt.3300.html", "10.1038/nbt.3300"),
    ("https://www.biorxiv.org/content/early/2016/12/21/092890", "10.1101/092890"),
    (
        "https://www.biorxiv.org/content/biorxiv/early/2019/10/11/760173.full.pdf",
        "10.1101/760173",
    ),
    ("https://www.biorxiv.org/content/early/2017/11/13/200758.1", "10.1101/200758"),
    ("https://www.biorxiv.org/content/10.1101/318295v2", "10.1101/318295"),
    ("http://biorxiv.org/content/early/2016/01/07/036129", "10.1101/036129"),
    (
        "https://www.biorxiv.org/content/10.1101/2020.03.01.971515v1.full",
        "10.1101/2020.03.01.971515",
    ),
    (
        "https://genomebiology.biomedcentral.com/articles/10.1186/s13059-017-1189-z",
        "10.1186/s13059-017-1189-z",
    ),
]

NO_DOI_URLS = [
    "http://bioinformatics.oxfordjournals.org/content/32/12/i121.full",
    "http://bioinformatics.oxfordjournals.org/content/early/2014/11/05/nar.gku1058.full",
    "http://genome.cshlp.org/content/suppl/2017/11/02/gr.224964.117.DC1/Supplemental_code.tar.gz",
    "http://genome.cshlp.org/content/27/12/2015",
    "http://dl.acm.org/citation.cfm?id=2627625",
    "http://openreview.net/pdf?id=Sk-oDY9ge",
    "https://github.com/uci-cbcl/DanQ",
    "https://www.biorxiv.org/content/early/2016/12/21/",  # no article number
    "https://www.nature.com/nmeth/",  # a journal page, not an article
    "https://doi.org/not-a-doi",
    "https://example.org/doi/10.1000/abc",  # unknown publisher: suffix length unknown
    "http://journals.plos.org/ploscompbiol/article?id=journal.pcbi.1004845",
    "not a url",
    "",
]


@pytest.mark.parametrize(("url", "doi"), DOI_CASES)
def test_doi_is_derived_from_url_that_carries_it(url: str, doi: str) -> None:
    assert derive_ids(url).doi == doi


@pytest.mark.parametrize("url", NO_DOI_URLS)
def test_no_doi_is_derived_from_url_without_one(url: str) -> None:
    assert derive_ids(url).doi is None


@pytest.mark.parametrize(
    ("url", "arxiv"),
    [
        ("https://arxiv.org/abs/1605.01133", "1605.01133"),
        ("https://arxiv.org/abs/1605.01133v3", "1605.01133"),
        ("https://arxiv.org/pdf/1611.05777.pdf", "1611.05777"),
        ("https://arxiv.org/pdf/1505.00387v2.pdf", "1505.00387"),
        ("https://arxiv.org/pdf/1505.00387v2", "1505.00387"),
        ("https://arxiv.org/abs/2101.12345", "2101.12345"),
        ("https://arxiv.org/list/q-bio/new", None),
        ("https://arxiv.org/abs/q-bio/0601001", None),
        ("https://example.org/abs/1605.01133", None),
    ],
)
def test_arxiv_id_is_derived_without_version(url: str, arxiv: str | None) -> None:
    assert derive_ids(url).arxiv == arxiv


@pytest.mark.parametrize(
    ("url", "pmid"),
    [
        ("https://www.ncbi.nlm.nih.gov/pubmed/26484571", "26484571"),
        ("http://ncbi.nlm.nih.gov/pubmed/26484571", "26484571"),
        ("https://pubmed.ncbi.nlm.nih.gov/26484571/", "26484571"),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC4768299/", None),
        ("https://www.ncbi.nlm.nih.gov/pubmed/?term=deepbind", None),
        ("https://pubmed.ncbi.nlm.nih.gov/0123/", None),
    ],
)
def test_pubmed_id_is_derived_from_pubmed_urls(url: str, pmid: str | None) -> None:
    assert derive_ids(url).pmid == pmid


@pytest.mark.parametrize(
    ("url", "github"),
    [
        ("https://github.com/uci-cbcl/DanQ", "uci-cbcl/DanQ"),
        ("https://www.github.com/calico/basenji", "calico/basenji"),
        ("https://github.com/calico/basenji.git", "calico/basenji"),
        (
            "https://github.com/tensorflow/tensor2tensor/blob/master/tensor2tensor/models/"
            "research/gene_expression.py",
            "tensorflow/tensor2tensor",
        ),
        ("https://github.com/uci-cbcl/DanQ/", "uci-cbcl/DanQ"),
        ("https://github.com/uci-cbcl", None),
        ("https://github.com/orgs/uci-cbcl/repositories", None),
        ("https://github.com/topics/deep-learning", None),
        ("https://gist.github.com/someone/abc123", None),
        ("https://gitlab.inria.fr/dchen/CKN-seq", None),
        ("https://uci-cbcl.github.io/DanQ", None),
    ],
)
def test_github_repo_is_derived_with_url_case(url: str, github: str | None) -> None:
    assert derive_ids(url).github == github


def test_one_url_yields_only_its_own_identifiers() -> None:
    assert derive_ids("https://www.biorxiv.org/content/early/2016/12/21/092890") == DerivedIds(
        doi="10.1101/092890"
    )
    assert derive_ids("https://github.com/google/deepvariant") == DerivedIds(
        github="google/deepvariant"
    )
    assert derive_ids("http://cnn.csail.mit.edu/") == DerivedIds()


LABEL_CASES = [
    ("github", "code"),
    ("github1", "code"),
    ("github2", "code"),
    ("code", "code"),
    ("paper", "paper"),
    ("Nature Reviews Genetics paper", "paper"),
    ("Nature Medicine paper", "paper"),
    ("Briefings in Bioinformatics", "paper"),
    ("preprint", "preprint"),
    ("bioRxiv preprint", "preprint"),
    ("biorxiv", "preprint"),
    ("manuscript", "manuscript"),
    ("web server", "web_server"),
    ("web interface", "web_server"),
    ("Python library", "code"),
    ("open access paper", "paper"),
    ("Github", "code"),
    ("docs", "docs"),
    ("Colaboratory notebook with tutorial", "notebook"),
    ("notebook", "notebook"),
    ("Youtube talk", "video"),
    ("video", "video"),
    ("gitxiv", "discussion"),
    ("website", None),
    ("link", None),
    ("decoder", None),  # "code" only as a whole word
    ("", None),
]


@pytest.mark.parametrize(("label", "kind"), LABEL_CASES)
def test_label_kind(label: str, kind: str | None) -> None:
    assert label_kind(label) == kind


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://github.com/a/b", "code"),
        ("https://gitlab.inria.fr/dchen/CKN-seq", "code"),
        ("https://sourceforge.net/projects/evonet/", "code"),
        ("https://www.biorxiv.org/content/early/2017/11/05/214122", "preprint"),
        ("https://arxiv.org/abs/1605.01133", "preprint"),
        ("http://openreview.net/pdf?id=Sk-oDY9ge", "manuscript"),
        ("http://dx.doi.org/10.1186/s13059-017-1189-z", "paper"),
        ("https://www.nature.com/articles/nmeth.4627/", "paper"),
        ("https://academic.oup.com/bib/x", "paper"),
        ("http://link.springer.com/article/x", "paper"),
        ("http://journals.plos.org/ploscompbiol/article?id=x", "paper"),
        ("https://www.youtube.com/watch?v=pcLTUsOm5pc", "video"),
        ("http://deepcpg.readthedocs.io/en/latest/", "docs"),
        ("https://colab.research.google.com/drive/abc", "notebook"),
        ("http://gitxiv.com/posts/abc", "discussion"),
        ("http://cnn.csail.mit.edu/", None),
    ],
)
def test_host_kind(url: str, kind: str | None) -> None:
    assert host_kind(url) == kind


@pytest.mark.parametrize(
    ("label", "url", "kind"),
    [
        ("paper", "http://biorxiv.org/content/early/2016/01/07/036129", "preprint"),
        ("paper", "https://arxiv.org/abs/1605.01133", "preprint"),
        ("bioRxiv preprint", "https://www.biorxiv.org/content/early/2017/11/05/214122", "preprint"),
        ("manuscript", "https://arxiv.org/abs/1605.01133", "manuscript"),  # label first
        ("paper", "https://github.com/a/b", "paper"),  # label first
        ("code", "https://www.biorxiv.org/content/suppl/x.zip", "code"),
        ("github1", "https://www.github.com/calico/basenji", "code"),
        ("code", "http://tools.genes.toronto.edu/deepbind/", "code"),
        ("link", "https://github.com/a/b", "code"),
        ("website", "https://www.youtube.com/watch?v=x", "video"),
        ("here", "https://www.biorxiv.org/content/10.1101/318295v2", "preprint"),
        ("website", "http://cnn.csail.mit.edu/", DEFAULT_KIND),
    ],
)
def test_link_kind_uses_label_then_host_then_default(label: str, url: str, kind: str) -> None:
    assert link_kind(label, url) == kind


def test_every_rule_kind_is_a_schema_link_kind() -> None:
    kinds = {kind for _, kind in LABEL_CASES if kind} | {DEFAULT_KIND}
    assert kinds == set(LINK_KINDS)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://github.com/uci-cbcl/DanQ", "github"),
        ("https://www.github.com/calico/basenji", "github"),
        ("https://gitlab.inria.fr/dchen/CKN-seq", "gitlab"),
        ("https://gitlab.com/a/b", "gitlab"),
        ("https://sourceforge.net/projects/evonet/", "sourceforge"),
        ("http://tools.genes.toronto.edu/deepbind/", "other"),
        ("https://gist.github.com/a/b", "other"),
        ("http://genome.cshlp.org/content/suppl/2017/11/02/x/Supplemental_code.tar.gz", "other"),
    ],
)
def test_repository_host(url: str, host: str) -> None:
    assert repository_host(url) == host


@pytest.mark.parametrize(
    ("url", "doi"),
    [
        ("http://genome.cshlp.org/content/suppl/2017/11/02/gr.224964.117.DC1/Supplemental_code.tar.gz",
         "10.1101/gr.224964.117"),
        ("http://genome.cshlp.org/content/27/12/2015", None),
        ("https://github.com/gr.224964.117/x", None),
    ],
)  # fmt: skip
def test_supplement_doi_is_the_papers_doi_only_for_supplement_folders(url: str, doi: str) -> None:
    assert supplement_doi(url) == doi
