"""SHACL validation of the built graph with the shapes generated from the LinkML schema."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from kg.errors import BuildFailed

MAX_REPORTED = 20


def _violations(report: Graph) -> list[str]:
    query = """
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?focus ?path ?message WHERE {
          ?r a sh:ValidationResult ; sh:focusNode ?focus ; sh:resultMessage ?message .
          OPTIONAL { ?r sh:resultPath ?path }
        } ORDER BY ?focus ?path ?message
    """
    return [f"{row.focus} {row.path or ''}: {row.message}" for row in report.query(query)]


def check_shapes(ntriples: bytes, shapes: Path) -> None:
    """Raise :class:`BuildFailed` listing SHACL violations of the graph (N-Triples bytes)."""
    import pyshacl  # imported here: it is slow to import and only this step needs it

    data = Graph().parse(data=ntriples, format="nt")
    shape_graph = Graph().parse(shapes, format="turtle")
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shape_graph, inference="none")
    if not conforms:
        lines = _violations(report)
        more = f"\n… and {len(lines) - MAX_REPORTED} more" if len(lines) > MAX_REPORTED else ""
        raise BuildFailed("SHACL validation failed:\n" + "\n".join(lines[:MAX_REPORTED]) + more)
