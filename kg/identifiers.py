"""Identifier derivation from the links of the source list: the one shared module.

Used by the list importer (``kg/importer.py``) and by the curated-data validator, so that a
stored identifier is always the one derivable from the record's links.

Everything here is exact by construction: an identifier is derived only where the URL literally
carries it (a DOI in the path or query, a bioRxiv number, an arXiv ID, a PubMed ID, a GitHub
``owner/name``). Nothing is looked up and nothing is guessed; HighWire URLs that
name a volume and page (``bioinformatics.oxfordjournals.org/content/32/12/i121.full``), ACM ``citation.cfm?id=…`` or
OpenReview links give no DOI.

>>> derive_ids("http://www.nature.com/nbt/journal/v33/n8/full/nbt.3300.html").doi
'10.1038/nbt.3300'
>>> derive_ids("https://arxiv.org/pdf/1611.05777v2.pdf").arxiv
'1611.05777'
>>> derive_ids("http://nar.oxfordjournals.org/content/early/2014/11/05/nar.gku1058.full").doi
'10.1093/nar/gku1058'
>>> link_kind("github1", "https://www.github.com/calico/basenji")
'code'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
_ARXIV_RE = re.compile(r"^(\d{4}\.\d{4,5})(v\d+)?(\.pdf)?$")
_BIORXIV_NUM_RE = re.compile(r"^(\d{6})(?:v\d+)?(?:\.\S*)?$")
_BIORXIV_DATED_RE = re.compile(r"^(\d{4}\.\d{2}\.\d{2}\.\d{6})(?:v\d+)?(?:\.\S*)?$")
_NATURE_LEGACY_RE = re.compile(r"/(?:full|abs|pdf)/([A-Za-z0-9.\-]+?)\.(?:html|pdf)$")
_PMID_RE = re.compile(r"^[1-9]\d{0,8}$")
# OUP's HighWire sites (``nar.oxfordjournals.org``) name an article ``<journal>.<article id>``,
# its DOI being ``10.1093/<journal>/<article id>`` (``nar.gku1058`` is ``10.1093/nar/gku1058``).
_OUP_LEGACY_RE = re.compile(r"^([a-z]+)\.([a-z]+\d+)(?:\.(?:full|abstract|pdf))?$")
# Cold Spring Harbor (Genome Research) article IDs ``gr.NNNNNN.YYY`` are their DOI suffixes
# under 10.1101, also in supplement folders (``suppl/…/gr.224964.117.DC1/``).
_CSHL_ARTICLE_RE = re.compile(r"^(gr\.\d{6}\.\d{3})(?:\.DC\d+|\.full|\.abstract|\.pdf)?$")
_GITHUB_RESERVED_RE = re.compile(
    "orgs|topics|features|marketplace|settings|sponsors|about|collections|trending|apps|search"
    "|explore|login|join|site|pricing|notifications",
    re.IGNORECASE,
)

# Publishers whose URLs carry the DOI as path segments after the ``10.NNNN`` prefix segment,
# with the number of suffix segments their DOIs have.
_DOI_IN_PATH_HOSTS: dict[str, int] = {
    "academic.oup.com": 2,  # /bib/advance-article/doi/10.1093/bib/bbz144/5669856
    "link.springer.com": 1,  # /article/10.1007%2Fs13721-016-0129-2
    "frontiersin.org": 1,  # journal.frontiersin.org/article/10.3389/fnins.2014.00229/abstract
    "biomedcentral.com": 1,  # genomebiology.biomedcentral.com/articles/10.1186/s13059-…
    "onlinelibrary.wiley.com": 1,  # /doi/10.1002/…/abstract
    "tandfonline.com": 1,  # /doi/full/10.1080/…
    "pnas.org": 1,  # /doi/10.1073/pnas.…
    "science.org": 1,  # /doi/10.1126/science.…
}

_KINDS = "code paper preprint manuscript web_server docs notebook video discussion"
#: Every link kind (the schema's ``LinkKind`` enum).
LINK_KINDS: tuple[str, ...] = tuple(_KINDS.split())
#: Kind of a link whose label and host are both unknown: a web page about the method. ``docs``
#: is the kind that claims the least about the page; the importer flags such links for curation.
DEFAULT_KIND = "docs"


@dataclass(frozen=True)
class DerivedIds:
    """Identifiers a single URL literally carries (``None`` where it carries none)."""

    doi: str | None = None  # e.g. "10.1038/nbt.3300"
    arxiv: str | None = None  # e.g. "1611.05777" (no version)
    pmid: str | None = None
    github: str | None = None  # "owner/name" as in the URL's case


def _host(url: str) -> str:
    """Lower-case host of ``url`` without a leading ``www.``."""
    host = urlsplit(url.strip()).hostname or ""
    return host.removeprefix("www.")


def _segments(url: str) -> list[str]:
    """Percent-decoded, non-empty path segments of ``url``."""
    return [s for s in unquote(urlsplit(url.strip()).path).split("/") if s]


def _host_is(host: str, domain: str) -> bool:
    """True when ``host`` is ``domain`` or one of its subdomains."""
    return host == domain or host.endswith("." + domain)


def _doi_after_prefix(segments: list[str], suffix_len: int) -> str | None:
    """DOI made of the first ``10.NNNN`` segment and the ``suffix_len`` segments after it."""
    for i, seg in enumerate(segments):
        if re.fullmatch(r"10\.\d{4,9}", seg) and len(segments) >= i + 1 + suffix_len:
            doi = "/".join(segments[i : i + 1 + suffix_len])
            return doi if DOI_RE.match(doi) else None
    return None


def _biorxiv_doi(segments: list[str]) -> str | None:
    """bioRxiv/medRxiv DOI from a ``10.1101/…`` path or a six-digit article number segment."""
    for seg in segments:
        m = _BIORXIV_DATED_RE.match(seg) or _BIORXIV_NUM_RE.match(seg)
        if m:
            return f"10.1101/{m.group(1)}"
    return None


def _nature_doi(url: str, segments: list[str]) -> str | None:
    """Nature DOI from ``/articles/{id}`` or legacy ``/…/full/{id}.html`` URLs."""
    if len(segments) >= 2 and segments[0] == "articles":
        article = segments[1].removesuffix(".pdf")
        return f"10.1038/{article}" if re.fullmatch(r"[A-Za-z0-9.\-]+", article) else None
    m = _NATURE_LEGACY_RE.search(urlsplit(url.strip()).path)
    return f"10.1038/{m.group(1)}" if m else None


def _doi(url: str) -> str | None:
    """The DOI ``url`` literally carries, or ``None``."""
    host, segments = _host(url), _segments(url)
    if host in ("doi.org", "dx.doi.org"):
        doi = "/".join(segments)
        return doi if DOI_RE.match(doi) else None
    if _host_is(host, "biorxiv.org") or _host_is(host, "medrxiv.org"):
        return _biorxiv_doi(segments)
    if _host_is(host, "nature.com"):
        return _nature_doi(url, segments)
    if host.endswith(".oxfordjournals.org") and segments:
        return _oup_legacy_doi(host, segments[-1])
    if host == "genome.cshlp.org" and "suppl" not in segments:
        return cshl_doi(segments)
    if _host_is(host, "plos.org"):
        ids = parse_qs(urlsplit(url.strip()).query).get("id", [])
        return ids[0] if ids and DOI_RE.match(ids[0]) else None
    for domain, suffix_len in _DOI_IN_PATH_HOSTS.items():
        if _host_is(host, domain):
            return _doi_after_prefix(segments, suffix_len)
    return None


def _oup_legacy_doi(host: str, last: str) -> str | None:
    """``10.1093/nar/gku1058`` from ``nar.oxfordjournals.org/…/nar.gku1058.full``."""
    m = _OUP_LEGACY_RE.match(last)
    journal = host.removesuffix(".oxfordjournals.org")
    return f"10.1093/{m.group(1)}/{m.group(2)}" if m and m.group(1) == journal else None


def cshl_doi(segments: list[str]) -> str | None:
    """Genome Research DOI from a path segment ``gr.NNNNNN.YYY`` (``10.1101/gr.224964.117``)."""
    for seg in segments:
        m = _CSHL_ARTICLE_RE.match(seg)
        if m:
            return f"10.1101/{m.group(1)}"
    return None


def supplement_doi(url: str) -> str | None:
    """The DOI of the article whose supplement ``url`` is (Genome Research ``content/suppl/``).

    Such a link sits on the method (it is code), but the DOI it carries is its paper's.

    >>> supplement_doi("http://genome.cshlp.org/content/suppl/2017/11/02/gr.224964.117.DC1/code.tar.gz")
    '10.1101/gr.224964.117'
    """
    segments = _segments(url)
    if _host(url) != "genome.cshlp.org" or "suppl" not in segments:
        return None
    return cshl_doi(segments)


def _arxiv(url: str) -> str | None:
    """New-style arXiv ID (without version) from ``arxiv.org/abs/…`` or ``/pdf/…``."""
    segments = _segments(url)
    if not _host_is(_host(url), "arxiv.org") or len(segments) != 2:
        return None
    if segments[0] not in ("abs", "pdf"):
        return None
    m = _ARXIV_RE.match(segments[1])
    return m.group(1) if m else None


def _pmid(url: str) -> str | None:
    """PubMed ID from ``ncbi.nlm.nih.gov/pubmed/N`` or ``pubmed.ncbi.nlm.nih.gov/N``."""
    host, segments = _host(url), _segments(url)
    if host == "ncbi.nlm.nih.gov" and len(segments) == 2 and segments[0] == "pubmed":
        candidate = segments[1]
    elif host == "pubmed.ncbi.nlm.nih.gov" and len(segments) == 1:
        candidate = segments[0]
    else:
        return None
    return candidate if _PMID_RE.match(candidate) else None


def _github(url: str) -> str | None:
    """GitHub ``owner/name`` (case as in the URL, ``.git`` dropped) from a github.com URL."""
    segments = _segments(url)
    if _host(url) != "github.com" or len(segments) < 2:
        return None
    owner, name = segments[0], segments[1].removesuffix(".git")
    if _GITHUB_RESERVED_RE.fullmatch(owner):
        return None
    if not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})", owner):
        return None
    return f"{owner}/{name}" if re.fullmatch(r"[A-Za-z0-9._-]{1,100}", name) else None


def derive_ids(url: str) -> DerivedIds:
    """Derive the identifiers that ``url`` literally carries.

    >>> derive_ids("https://www.biorxiv.org/content/early/2016/12/21/092890")
    DerivedIds(doi='10.1101/092890', arxiv=None, pmid=None, github=None)
    """
    return DerivedIds(doi=_doi(url), arxiv=_arxiv(url), pmid=_pmid(url), github=_github(url))


# Label rules, checked in order: the first keyword found in the lower-cased label (as a whole
# word; digits may follow, as in ``github1``) decides. Keywords are separated by "|".
_LABEL_RULES: tuple[tuple[str, str], ...] = (
    ("discussion", "gitxiv|discussion"),
    ("notebook", "notebook|colaboratory|colab|tutorial|jupyter"),
    ("video", "video|youtube|talk|webinar|lecture"),
    ("web_server", "web server|webserver|server|web interface|web app|web tool|online tool"),
    ("docs", "docs|documentation|manual|readthedocs|wiki"),
    (
        "code",
        "github|gitlab|bitbucket|sourceforge|code|source|software|repository|repo|package"
        "|library|implementation",
    ),
    ("manuscript", "manuscript|openreview"),
    ("preprint", "preprint|biorxiv|medrxiv|arxiv"),
    (
        "paper",
        "paper|article|journal|publication|proceedings|bioinformatics|nature|science|cell"
        "|plos|genome|genetics|medicine|briefings|nucleic acids|biology|biotechnology|methods",
    ),
)

# Host rules for labels no label rule knows: (kind, domains separated by spaces).
_HOST_RULES: tuple[tuple[str, str], ...] = (
    ("code", "github.com gitlab.com sourceforge.net bitbucket.org"),
    ("preprint", "biorxiv.org medrxiv.org arxiv.org"),
    ("manuscript", "openreview.net"),
    (
        "paper",
        "doi.org nature.com oup.com oxfordjournals.org springer.com plos.org frontiersin.org"
        " sciencedirect.com cell.com wiley.com biomedcentral.com pnas.org science.org"
        " sciencemag.org cshlp.org acm.org ieee.org tandfonline.com ncbi.nlm.nih.gov pubmed.gov",
    ),
    ("video", "youtube.com youtu.be vimeo.com"),
    ("docs", "readthedocs.io readthedocs.org"),
    ("notebook", "colab.research.google.com nbviewer.jupyter.org mybinder.org"),
    ("discussion", "gitxiv.com"),
)


def label_kind(label: str) -> str | None:
    """Link kind that the label alone states, or ``None`` for a label no rule knows.

    >>> label_kind("Nature Reviews Genetics paper"), label_kind("website")
    ('paper', None)
    """
    text = " ".join(label.lower().split())
    for kind, keywords in _LABEL_RULES:
        if re.search(rf"(?<![a-z])(?:{keywords})(?![a-z])", text):
            return kind
    return None


def host_kind(url: str) -> str | None:
    """Link kind implied by the URL's host, or ``None`` for a host no rule knows."""
    host = _host(url)
    if "gitlab" in host.split("."):
        return "code"
    for kind, domains in _HOST_RULES:
        if any(_host_is(host, domain) for domain in domains.split()):
            return kind
    return None


def link_kind(label: str, url: str) -> str:
    """Kind of a listed link: by label first, then by host, else :data:`DEFAULT_KIND`.

    One exception to label first: a link labelled as a paper that points to a preprint server
    (bioRxiv, medRxiv, arXiv) is a ``preprint``, since that is what the server holds.

    >>> link_kind("Briefings in Bioinformatics", "https://academic.oup.com/bib/x")
    'paper'
    >>> link_kind("link", "https://www.youtube.com/watch?v=x")
    'video'
    >>> link_kind("paper", "https://arxiv.org/abs/1605.01133")
    'preprint'
    """
    by_label, by_host = label_kind(label), host_kind(url)
    if by_label == "paper" and by_host == "preprint":
        return by_host
    return by_label or by_host or DEFAULT_KIND


def repository_host(url: str) -> str:
    """Where a code link is hosted: ``github``, ``gitlab``, ``sourceforge`` or ``other``."""
    host = _host(url)
    if host == "github.com":
        return "github"
    if "gitlab" in host.split("."):
        return "gitlab"
    if _host_is(host, "sourceforge.net"):
        return "sourceforge"
    return "other"
