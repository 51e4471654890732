"""The IRI path segments served here (``/method/x``), derived from ``kg.namespaces.CLASS_SEGMENTS``.

Routes, the OpenAPI description and ``/resolve`` import these instead of listing segments again.
"""

from __future__ import annotations

from kg.namespaces import CLASS_SEGMENTS

#: Segments of the records the build writes (each ``/resolve``-able as ``dlbio:{segment}/{id}``).
RECORD_SEGMENTS: tuple[str, ...] = tuple(dict.fromkeys(CLASS_SEGMENTS.values()))
#: Segments with entity pages: the records, the concept schemes and the example queries.
ENTITY_SEGMENTS: tuple[str, ...] = (*RECORD_SEGMENTS, "scheme", "query")
#: Segments with an index page (``/method/``): every record class but the source list itself.
INDEX_SEGMENTS: tuple[str, ...] = tuple(s for s in RECORD_SEGMENTS if s != "dataset")
