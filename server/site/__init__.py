"""The linked-data site: entity IRIs, pages, browse, downloads and registry links, on one app.

``register(app)`` is what ``create_app`` calls; each concern lives in its own module.
"""

from __future__ import annotations

from flask import Flask

from server.site import browse, downloads, linkeddata, openapi, pages, querypage, registry

#: Every route of the site, by concern.
BLUEPRINTS = tuple(module.bp for module in (
    pages, linkeddata, browse, downloads, registry, querypage, openapi))


def register(app: Flask) -> None:
    """Attach every linked-data blueprint to ``app``."""
    downloads.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
