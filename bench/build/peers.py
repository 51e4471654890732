"""Peer measurements on one data folder, run by ``run.py peers`` in a fresh process each.

Tasks (each prints ``✓ <part> (x.xx s)`` lines on stderr, the format ``run.py`` parses):

* ``yaml-pure``    — read every data file with ``yaml.safe_load`` (pure-Python ``SafeLoader``,
  what ``kg/records.py`` does today);
* ``yaml-libyaml`` — the same files with libyaml's ``CSafeLoader`` (the peer);
* ``shacl-pyshacl`` — the SHACL step split in its parts: rdflib parsing the N-Triples, rdflib
  parsing the shapes, ``pyshacl.validate``;
* ``serialize``    — the built triples written as N-Triples / Turtle / JSON-LD by pyoxigraph
  (what ``kg/dumps.py`` does) and by rdflib (the peer).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def timed(name: str, fn: Callable[[], Any]) -> Any:
    """Run ``fn``, print its duration in the CLI's step format, return its result."""
    start = time.perf_counter()
    result = fn()
    print(f"✓ {name} ({time.perf_counter() - start:.2f} s)", file=sys.stderr, flush=True)
    return result


def read_yaml(data: Path, loader: type) -> int:
    """Load every YAML file of ``data`` with ``loader``; return the record count."""
    return sum(len(yaml.load(p.read_text(), Loader=loader) or []) for p in data.glob("*.yaml"))


def built_triples(data: Path) -> list:
    """The project's sorted triples for ``data`` (schema artifacts from the default cache)."""
    from pyoxigraph import RdfFormat, parse

    from kg.build import graph_lines, load_and_validate
    from kg.dumps import sorted_lines
    from kg.paths import default_paths

    records, artifacts = load_and_validate(default_paths(data=data))
    text = "".join(f"{line} .\n" for line in sorted_lines(graph_lines(records, artifacts)))
    return [q.triple for q in parse(text, format=RdfFormat.N_TRIPLES)]


def shacl_parts(data: Path) -> None:
    """Time rdflib parsing and pyshacl validation separately."""
    import pyshacl
    from rdflib import Graph

    from kg.dumps import ntriples_bytes
    from kg.paths import default_paths
    from kg.schema import ensure_artifacts

    paths = default_paths(data=data)
    artifacts = ensure_artifacts(paths.schema, paths.generated)
    nt = ntriples_bytes(built_triples(data))
    graph = timed("rdflib parse N-Triples", lambda: Graph().parse(data=nt, format="nt"))
    shapes = timed("rdflib parse shapes", lambda: Graph().parse(artifacts.shacl, format="turtle"))
    timed(
        "pyshacl validate",
        lambda: pyshacl.validate(graph, shacl_graph=shapes, inference="none"),
    )


def serialize(data: Path) -> None:
    """pyoxigraph vs rdflib serialisation of the same triples."""
    from pyoxigraph import RdfFormat
    from pyoxigraph import serialize as ox_serialize
    from rdflib import Graph

    from kg.dumps import ntriples_bytes
    from kg.namespaces import PREFIXES

    triples = built_triples(data)
    nt = ntriples_bytes(triples)
    formats = {"nt": RdfFormat.N_TRIPLES, "ttl": RdfFormat.TURTLE, "jsonld": RdfFormat.JSON_LD}
    for name, fmt in formats.items():
        timed(
            f"pyoxigraph {name}",
            lambda fmt=fmt: ox_serialize(triples, format=fmt, prefixes=PREFIXES),
        )
    graph = timed("rdflib parse nt", lambda: Graph().parse(data=nt, format="nt"))
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri)
    for name, fmt in {"nt": "nt", "ttl": "turtle", "jsonld": "json-ld"}.items():
        timed(f"rdflib {name}", lambda fmt=fmt: graph.serialize(format=fmt))


def main() -> None:
    """``peers.py TASK DATA_DIR``."""
    task, data = sys.argv[1], Path(sys.argv[2])
    tasks: dict[str, Callable[[], Any]] = {
        "yaml-pure": lambda: timed("read yaml", lambda: read_yaml(data, yaml.SafeLoader)),
        "yaml-libyaml": lambda: timed("read yaml", lambda: read_yaml(data, yaml.CSafeLoader)),
        "shacl-pyshacl": lambda: shacl_parts(data),
        "serialize": lambda: serialize(data),
    }
    tasks[task]()


if __name__ == "__main__":
    main()
