"""Endpoint settings: defaults, then ``DLBIO_*`` environment variables, then explicit overrides.

>>> settings = load_settings({"DLBIO_QUERY_TIMEOUT": "2"}, environ={})
>>> settings["DLBIO_QUERY_TIMEOUT"]
2.0
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from kg.paths import DEFAULT_KG_DIR

PREFIX = "DLBIO_"


def _as_list(value: Any) -> list[str]:
    """Read a list from a comma-separated string or any iterable of strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(part) for part in value]


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


# name -> (default, converter)
SETTINGS: dict[str, tuple[Any, Callable[[Any], Any]]] = {
    "DLBIO_KG_DIR": (str(DEFAULT_KG_DIR), str),
    "DLBIO_LOAD": ((), _as_list),
    "DLBIO_STORE": ("memory", str),  # "memory" (fast) or "disk" (KG_DIR/store, read-only)
    "DLBIO_BASE_IRI": ("https://w3id.org/dlbio/", str),
    "DLBIO_ASSETS_DIR": ("build/assets", str),  # the query page's bundle (npm run build)
    "DLBIO_QUERY_TIMEOUT": (30.0, float),
    "DLBIO_SERVICE_ALLOWLIST": ((), _as_list),
    "DLBIO_MAX_QUERY_LENGTH": (100_000, int),  # characters
    "DLBIO_MAX_NESTING": (200, int),  # brackets/braces/parentheses depth
    "DLBIO_MAX_BODY_BYTES": (1_000_000, int),
    "DLBIO_MAX_RESULT_BYTES": (2_000_000_000, int),
    "DLBIO_STREAM_THRESHOLD": (256 * 1024, int),  # bytes buffered before streaming starts
    "DLBIO_CACHE_BYTES": (64 * 1024 * 1024, int),  # 0 disables the result cache
    "DLBIO_CACHE_ENTRY_BYTES": (1024 * 1024, int),
    "DLBIO_GZIP_MIN_BYTES": (1024, int),
    "DLBIO_EXIT_ON_TIMEOUT": (True, _as_bool),  # end the worker (stops the runaway)
    "DLBIO_MAX_CLIENT_CONCURRENCY": (0, int),  # per remote address, all workers; 0: off
    "DLBIO_RELOAD_SECONDS": (1.0, float),  # how often a worker checks KG_DIR moved; 0: never
    "DLBIO_THREADS": (2, int),  # request threads per worker (queries in flight each)
    "DLBIO_BATCH_SCHEDULING": (True, _as_bool),  # workers under SCHED_BATCH (Linux)
    # Who answers for the dlbio prefix in registries (/registry.json); never guessed, empty: unset.
    "DLBIO_CONTACT_NAME": ("", str),
    "DLBIO_CONTACT_EMAIL": ("", str),  # one person's address (Bioregistry refuses group lists)
    "DLBIO_CONTACT_ORCID": ("", str),
    "DLBIO_CONTACT_GITHUB": ("", str),
    "DLBIO_CONTRIBUTOR_NAME": ("", str),  # who submits the prefix to Bioregistry
    "DLBIO_CONTRIBUTOR_ORCID": ("", str),
    "DLBIO_CONTRIBUTOR_GITHUB": ("", str),
    "DLBIO_CONTRIBUTOR_EMAIL": ("", str),
}


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Resolve every setting: default, then ``DLBIO_*`` environment variable, then override.

    Unknown keys in ``overrides`` are kept as-is (so Flask settings such as ``TESTING`` pass).
    """
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    resolved: dict[str, Any] = {}
    for name, (default, convert) in SETTINGS.items():
        value = default
        if name in environ:
            value = environ[name]
        if name in overrides:
            value = overrides.pop(name)
        try:
            resolved[name] = convert(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"invalid value for {name}: {value!r}") from exc
    resolved.update(overrides)
    return resolved
