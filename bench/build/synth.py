"""Generate a schema-valid synthetic data folder with N methods (and N papers) for benchmarks.

The vocabulary files (dataset, subfields, architectures, modalities, frameworks, EDAM terms) are
copied from the real ``data/`` folder; methods and papers are generated, deterministically from a
seed, with obviously synthetic identifiers:

* method ``method:synthetic-00042`` / paper ``paper:synthetic-00042``;
* code at ``https://github.com/synthetic-org/method-00042`` with its ``code_repositories`` entry;
* DOI ``10.5555/synthetic.00042`` (10.5555 is Crossref's example prefix) with the matching
  ``https://doi.org/10.5555/synthetic.00042`` link, so ``kg.identifiers.derive_ids`` gives the DOI;
* other links under ``example.org``.

Every declared EDAM term must be used by some record (the validator rejects unused declarations),
so terms are drawn round-robin first and ``edam.yaml`` is pruned to the terms actually used.

Usage::

    python bench/build/synth.py --methods 1000 --out bench/work/synth-1k [--seed 42]
    dlbio validate --data bench/work/synth-1k
"""

from __future__ import annotations

import argparse
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
REAL_DATA = ROOT / "data"
COPIED = (
    "dataset.yaml",
    "subfields.yaml",
    "architectures.yaml",
    "modalities.yaml",
    "frameworks.yaml",
)
EDAM_BRANCH_SLOTS = {
    "topic": "edam_topics",
    "operation": "edam_operations",
    "data": "edam_inputs",
    "format": "edam_formats",
}
WORDS = (
    "deep",
    "convolutional",
    "recurrent",
    "attention",
    "graph",
    "sequence",
    "chromatin",
    "expression",
    "variant",
    "splicing",
    "methylation",
    "enhancer",
    "protein",
    "image",
    "network",
)


@dataclass
class Vocabulary:
    """What synthetic methods may refer to, read from the real vocabulary files."""

    source: str
    sections: list[tuple[str, str, str]]  # (subfield id, anchor, heading)
    architectures: list[str]
    modalities: list[str]
    frameworks: list[str]
    edam: dict[str, list[str]]  # branch → CURIEs declared in edam.yaml
    edam_records: list[dict[str, Any]] = field(repr=False, default_factory=list)


def _load(path: Path) -> list[dict[str, Any]]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or []


def _ids(path: Path) -> list[str]:
    return [r["id"] for r in _load(path)]


def read_vocabulary(data_dir: Path = REAL_DATA) -> Vocabulary:
    """Read ids of every vocabulary record of the real data folder."""
    subfields = _load(data_dir / "subfields.yaml")
    edam_records = _load(data_dir / "edam.yaml")
    edam: dict[str, list[str]] = {branch: [] for branch in EDAM_BRANCH_SLOTS}
    for record in edam_records:
        edam[record["id"].split(":")[1].split("_")[0]].append(record["id"])
    return Vocabulary(
        source=_ids(data_dir / "dataset.yaml")[0],
        sections=[(s["id"], s["anchor"], s["heading"]) for s in subfields if "anchor" in s],
        architectures=_ids(data_dir / "architectures.yaml"),
        modalities=_ids(data_dir / "modalities.yaml"),
        frameworks=_ids(data_dir / "frameworks.yaml"),
        edam=edam,
        edam_records=edam_records,
    )


class Picker:
    """Seeded choices that visit every item of a pool round-robin before sampling at random."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.turns: dict[str, Iterator[int]] = {}

    def some(self, name: str, pool: list[str], low: int, high: int) -> list[str]:
        """Between ``low`` and ``high`` distinct items of ``pool``, in pool order."""
        if not pool or high == 0:
            return []
        k = min(self.rng.randint(low, high), len(pool))
        if k == 0:
            return []
        first = pool[next(self.turns.setdefault(name, count())) % len(pool)]
        rest = self.rng.sample([p for p in pool if p != first], k - 1)
        return sorted({first, *rest}, key=pool.index)


def _slug(i: int) -> str:
    return f"synthetic-{i:05d}"


def _title(rng: random.Random, i: int) -> str:
    words = rng.sample(WORDS, 5)
    return f"Synthetic {' '.join(words)} method {i:05d}"


def make_paper(i: int, source: str, rng: random.Random) -> dict[str, Any]:
    """A paper with a synthetic DOI derivable from its doi.org link."""
    doi = f"10.5555/synthetic.{i:05d}"
    links = [{"label": "paper", "url": f"https://doi.org/{doi}", "kind": "paper"}]
    if rng.random() < 0.3:
        links.append(
            {
                "label": "preprint",
                "url": f"https://preprints.example.org/{i:05d}",
                "kind": "preprint",
            }
        )
    paper = {"id": f"paper:{_slug(i)}", "title": _title(rng, i), "status": "published"}
    paper |= {"date": f"{2010 + i % 15}-{1 + i % 12:02d}", "venue": "Journal of Synthetic Biology"}
    return paper | {"doi": doi, "links": links, "source": source}


def _method_links(i: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Links of a method (code, docs) and its code repository."""
    repo = f"synthetic-org/method-{i:05d}"
    url = f"https://github.com/{repo}"
    links = [
        {"label": "github", "url": url, "kind": "code"},
        {"label": "docs", "url": f"https://method-{i:05d}.example.org/docs", "kind": "docs"},
    ]
    repos = [
        {
            "id": f"repository:synthetic-org-method-{i:05d}",
            "url": url,
            "host": "github",
            "github": repo,
        }
    ]
    return links, repos


def _edam_slots(pick: Picker, edam: dict[str, list[str]]) -> dict[str, list[str]]:
    slots = {
        "edam_topics": pick.some("topic", edam["topic"], 1, 3),
        "edam_operations": pick.some("operation", edam["operation"], 1, 2),
        "edam_inputs": pick.some("data", edam["data"], 0, 1),
        "edam_outputs": pick.some("data-out", edam["data"], 0, 1),
        "edam_formats": pick.some("format", edam["format"], 0, 1),
    }
    return {name: values for name, values in slots.items() if values}


def make_method(
    i: int, vocab: Vocabulary, pick: Picker, positions: dict[str, int]
) -> dict[str, Any]:
    """A method listed in one or two sections, with vocabulary and EDAM annotations."""
    anchors = pick.some("section", [anchor for _, anchor, _ in vocab.sections], 1, 2)
    sections = [s for s in vocab.sections if s[1] in anchors]
    listed = []
    for _, anchor, heading in sections:
        positions[anchor] = positions.get(anchor, 0) + 1
        listed.append({"section": anchor, "section_path": heading, "position": positions[anchor]})
    links, repos = _method_links(i)
    method: dict[str, Any] = {
        "id": f"method:{_slug(i)}",
        "name": f"SynthNet-{i:05d}",
        "description": f"Synthetic benchmark method number {i} (not a real method).",
        "paper": f"paper:{_slug(i)}",
        "links": links,
        "code_repositories": repos,
        "subfields": [s[0] for s in sections],
        "architectures": pick.some("architecture", vocab.architectures, 1, 2),
        "frameworks": pick.some("framework", vocab.frameworks, 0, 2),
        "modalities": pick.some("modality", vocab.modalities, 1, 2),
    }
    method = {k: v for k, v in method.items() if v != []}
    edam = _edam_slots(pick, vocab.edam)
    return method | edam | {"inferred": list(edam), "listed_in": listed, "source": vocab.source}


def _used_edam(out: Path, methods: list[dict[str, Any]]) -> set[str]:
    """EDAM CURIEs referenced by the copied vocabulary files and the generated methods."""
    used: set[str] = set()
    records = [r for name in COPIED for r in _load(out / name)] + methods
    for record in records:
        for value in record.values():
            if isinstance(value, list):
                used |= {v for v in value if isinstance(v, str) and v.startswith("edam:")}
    return used


def _dump(path: Path, records: list[dict[str, Any]]) -> None:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: ~10x faster at 100k
    text = yaml.dump(records, Dumper=dumper, sort_keys=False, allow_unicode=True, width=120)
    path.write_text(text, encoding="utf-8")


def generate(n_methods: int, out: Path, seed: int = 42, data_dir: Path = REAL_DATA) -> int:
    """Write a synthetic data folder with ``n_methods`` methods; return its record count."""
    vocab = read_vocabulary(data_dir)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in COPIED:
        shutil.copyfile(data_dir / name, out / name)
    rng, pick, positions = random.Random(seed), Picker(seed + 1), {}
    papers = [make_paper(i, vocab.source, rng) for i in range(1, n_methods + 1)]
    methods = [make_method(i, vocab, pick, positions) for i in range(1, n_methods + 1)]
    used = _used_edam(out, methods)
    edam = [r for r in vocab.edam_records if r["id"] in used]
    _dump(out / "edam.yaml", edam)
    _dump(out / "papers.yaml", papers)
    _dump(out / "methods.yaml", methods)
    vocab_count = sum(len(_load(out / name)) for name in COPIED)
    return vocab_count + len(edam) + len(papers) + len(methods)


def main() -> None:
    """Command line: ``synth.py --methods N --out DIR [--seed S]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--methods", type=int, required=True, help="number of methods (and papers)")
    parser.add_argument("--out", type=Path, required=True, help="data folder to (re)create")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    records = generate(args.methods, args.out, args.seed)
    print(f"{args.out}: {records} records ({args.methods} methods, {args.methods} papers)")


if __name__ == "__main__":
    main()
