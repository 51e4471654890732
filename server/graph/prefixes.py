"""External identifiers as CURIEs, expanded with the Bioregistry's standard prefix map.

No hand-kept table of resolver URLs: the prefix is normalised (``DOI``, ``pmid`` → ``doi``,
``pubmed``) and expanded with the URI format the ``bioregistry`` package ships in its wheel, so
this works offline. The package is imported on first use (it takes a second or two).

>>> expand_external("DOI", "10.1038/nbt.3300")
'https://doi.org/10.1038/nbt.3300'
>>> expand_external("edam", "topic_0749")
'http://edamontology.org/topic_0749'
"""

from __future__ import annotations

import functools
import re

#: The external identifier kinds DLBio-KG stores (Bioregistry prefixes).
EXTERNAL = ("doi", "arxiv", "pubmed", "github", "biotools", "edam")


@functools.cache
def _bioregistry():  # type: ignore[no-untyped-def]
    import bioregistry

    return bioregistry


def preload() -> None:
    """Import the Bioregistry and read its prefix data now (the server does so before forking)."""
    _bioregistry().normalize_prefix("doi")
    for prefix in EXTERNAL:
        _pattern(prefix)


def normalize_prefix(prefix: str) -> str | None:
    """The Bioregistry's preferred prefix for ``prefix`` (case and synonyms folded), if known."""
    return _bioregistry().normalize_prefix(prefix)


@functools.cache
def _pattern(prefix: str) -> re.Pattern[str] | None:
    pattern = _bioregistry().get_pattern(prefix)
    return re.compile(pattern) if pattern else None


def is_valid(prefix: str, local_id: str) -> bool:
    """Whether ``local_id`` matches the Bioregistry's pattern for ``prefix`` (no pattern: True)."""
    pattern = _pattern(prefix)
    return pattern is None or pattern.fullmatch(local_id) is not None


def expand_external(prefix: str, local_id: str) -> str | None:
    """The IRI of ``prefix:local_id`` by the Bioregistry's standard URI format, if the prefix is known."""
    normal = normalize_prefix(prefix)
    if normal is None:
        return None
    uri_format = _bioregistry().get_uri_format(normal)
    return uri_format.replace("$1", local_id) if uri_format else None
