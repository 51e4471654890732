"""The README's "Query it" examples run as written against the real server on loopback."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from liveserver import live_server

from kg.build import BuildResult, build
from kg.paths import PROJECT_ROOT, Paths

README = PROJECT_ROOT / "README.md"
DOCUMENTED_BASE = "http://127.0.0.1:8000"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(), flags=re.S)


@pytest.fixture(scope="module")
def real_kg(tmp_path_factory: pytest.TempPathFactory, schema_cache: Path) -> BuildResult:
    root = tmp_path_factory.mktemp("readme")
    paths = Paths(
        PROJECT_ROOT / "schema" / "dlbio.yaml",
        PROJECT_ROOT / "data",
        root / "build",
        schema_cache,
        PROJECT_ROOT / "queries",
    )
    return build(paths)


@pytest.fixture(scope="module")
def base(real_kg: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(tmp_path_factory.mktemp("readme-server"), kg_dir=real_kg.release) as url:
        yield url


def _run(command: list[str], source: str, base: str) -> str:
    code = source.replace(DOCUMENTED_BASE, base)
    result = subprocess.run(
        [*command, code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_readme_has_the_documented_examples():
    assert len([b for b in _blocks("sh") if "curl" in b]) == 1
    assert len(_blocks("python")) == 2


def test_curl_example_lists_every_method(base: str):
    (block,) = [b for b in _blocks("sh") if "curl" in b]
    answer = json.loads(_run(["bash", "-c"], block, base))
    names = [b["name"]["value"] for b in answer["results"]["bindings"]]
    assert len(names) == 91 and names == sorted(names) and "DeepBind" in names


def test_sparqlwrapper_example_finds_recurrent_methods(base: str):
    block = next(b for b in _blocks("python") if "SPARQLWrapper" in b)
    printed = _run([sys.executable, "-c"], block, base).split()
    # CNN–LSTM hybrids (DanQ, DeeperBind), the CNN–RNN hybrid (DeepCpG), the GRU (mRNN), LSTM
    # embeddings (DeepChem), the AWD-LSTM (Genomic-ULMFiT), the mLSTM (UniRep), the BiLSTM (viral escape)
    method = "https://w3id.org/dlbio/method/"
    expected = ("danq", "deepchem", "deepcpg", "deeperbind", "genomic-ulmfit", "mrnn", "unirep",
                "viral-escape-language-model")  # fmt: skip
    assert printed == [method + m for m in expected]


def test_rdflib_example_counts_the_triples(base: str, real_kg: BuildResult):
    block = next(b for b in _blocks("python") if "SPARQLStore" in b)
    count = int(_run([sys.executable, "-c"], block, base).strip())
    assert count >= real_kg.triples
