"""What the pages need, made once in the master before the workers fork (``prepare_pages``).

The page index of the KG and its memoized labels and lists, the schema's documentation, the
Bioregistry's prefix data and every compiled template are then shared by all workers, so each
worker's first page is about as fast as its later ones (``bench/pages/RESULTS.md``).
"""

from __future__ import annotations

from flask import Flask

from server.graph.kgindex import get_index
from server.graph.prefixes import preload
from server.graph.schemadoc import get_schema_doc
from server.site.browse import CLASSES
from server.site.pages import local_path

#: Pages rendered once in the master besides one entity of each class (any answer will do).
SAMPLES = ("/", "/browse", "/edam/", "/schema", "/schema/Method", "/search?q=sequence",
           "/download", "/query", "/method/-")


def prepare_pages(app: Flask) -> None:
    """Build what the pages read, compile every template and render one page of each type."""
    preload()
    for name in app.jinja_env.list_templates():
        if name.endswith(".html"):
            app.jinja_env.get_template(name)
    with app.test_request_context():
        index = get_index()
        get_schema_doc()
        entities = [index.instances(c.type_iri)[:1] for c in CLASSES]
        paths = [local_path(iri) for found in entities for iri in found]
    client = app.test_client()
    for path in (*SAMPLES, *(c.path for c in CLASSES), *filter(None, paths)):
        # closed at once: an open response would keep its client slot of the limiter
        client.get(path, headers={"Accept": "text/html"}).close()
