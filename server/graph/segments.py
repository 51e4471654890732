"""The IRI path segments served here (``/method/x``), derived from ``kg.namespaces.CLASS_SEGMENTS``.

Routes (and so the OpenAPI description generated from them), ``/resolve``, the registry record's
ID pattern and the pages import these instead of listing segments again.
"""

from __future__ import annotations

from kg.namespaces import CLASS_SEGMENTS

#: Segments of the records the build writes (each ``/resolve``-able as ``dlbio:{segment}/{id}``).
RECORD_SEGMENTS: tuple[str, ...] = tuple(dict.fromkeys(CLASS_SEGMENTS.values()))
#: The concept schemes (``scheme/architecture``) and the example queries (``query/<stem>``).
SCHEME_SEGMENT, QUERY_SEGMENT = "scheme", "query"
#: Segments with entity pages (every IRI we mint): the records, the schemes and the queries.
ENTITY_SEGMENTS: tuple[str, ...] = (*RECORD_SEGMENTS, SCHEME_SEGMENT, QUERY_SEGMENT)
#: Segments with an index page (``/method/``): every record class but the source list itself.
INDEX_SEGMENTS: tuple[str, ...] = tuple(s for s in RECORD_SEGMENTS if s != "dataset")
