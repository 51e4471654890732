"""Generate a synthetic DLBio-KG-shaped graph (methods, papers, tasks, architectures) as N-Triples.

Deterministic for a given size: ``python generate.py 200000 out.nt`` writes about 200,000 triples.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

DL = "http://example.org/dlbio-bench/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
WORDS = ["deep", "graph", "protein", "cell", "net", "fold", "seq", "attention", "conv", "bind",
         "gene", "image", "transformer", "atlas", "dream", "vae", "unet", "segment", "express"]
TRIPLES_PER_METHOD = 12  # method: 8 triples, its paper: 4


def _iri(local: str) -> str:
    return f"<{DL}{local}>"


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def method_triples(index: int, rng: random.Random, tasks: int, archs: int) -> list[str]:
    """The triples of one method and its paper."""
    method, paper = _iri(f"method{index}"), _iri(f"paper{index}")
    name = "".join(w.capitalize() for w in rng.sample(WORDS, 2)) + str(index)
    year = rng.randint(2012, 2025)
    title = " ".join(rng.sample(WORDS, 5)) + f" for biology ({index})"
    return [
        f"{method} {RDF_TYPE} {_iri('Method')} .",
        f"{method} {LABEL} {_lit(name)} .",
        f"{method} {_iri('year')} \"{year}\"^^<http://www.w3.org/2001/XMLSchema#integer> .",
        f"{method} {_iri('task')} {_iri(f'task{rng.randrange(tasks)}')} .",
        f"{method} {_iri('architecture')} {_iri(f'arch{rng.randrange(archs)}')} .",
        f"{method} {_iri('paper')} {paper} .",
        f"{method} {_iri('description')} {_lit('A method using ' + ' '.join(rng.sample(WORDS, 6)))} .",
        f"{method} {_iri('repository')} <https://github.com/example/{name.lower()}> .",
        f"{paper} {RDF_TYPE} {_iri('Paper')} .",
        f"{paper} {_iri('title')} {_lit(title)} .",
        f"{paper} {_iri('year')} \"{year}\"^^<http://www.w3.org/2001/XMLSchema#integer> .",
        f"{paper} {_iri('doi')} {_lit(f'10.1234/bench.{index}')} .",
    ]


def generate(triples: int) -> list[str]:
    """About ``triples`` triples: methods with papers plus labelled tasks and architectures."""
    rng = random.Random(42)
    methods = max(1, triples // TRIPLES_PER_METHOD)
    tasks, archs = max(5, methods // 50), max(5, methods // 100)
    lines = [f"{_iri(f'task{i}')} {LABEL} {_lit(f'task {i}')} ." for i in range(tasks)]
    lines += [f"{_iri(f'arch{i}')} {LABEL} {_lit(f'architecture {i}')} ." for i in range(archs)]
    for index in range(methods):
        lines += method_triples(index, rng, tasks, archs)
    return lines


if __name__ == "__main__":
    size, out = int(sys.argv[1]), Path(sys.argv[2])
    out.write_text("\n".join(generate(size)) + "\n", encoding="utf-8")
