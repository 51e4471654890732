"""The LinkML schema: lint-clean, fully described, mapped to standard vocabularies, EDAM pinned."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kg.paths import PROJECT_ROOT
from kg.schema import ensure_artifacts

SCHEMA = PROJECT_ROOT / "schema" / "dlbio.yaml"
STANDARD = (
    "schema:",
    "dcterms:",
    "skos:",
    "fabio:",
    "bibo:",
    "prov:",
    "edam:",
    "dcat:",
    "rdfs:",
    "owl:",
    "rdf:",
)


@pytest.fixture(scope="module")
def schema() -> dict:
    return yaml.safe_load(SCHEMA.read_text())


def test_linkml_lint_is_clean():
    lint = Path(sys.executable).parent / "linkml-lint"
    result = subprocess.run([str(lint), str(SCHEMA)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No problems found" in result.stdout


def test_every_class_slot_type_and_enum_has_a_description(schema):
    for section in ("classes", "slots", "types", "enums"):
        undocumented = [
            name for name, body in schema[section].items() if not body.get("description")
        ]
        assert not undocumented, f"{section} without description: {undocumented}"


def test_main_classes_map_to_standard_vocabularies(schema):
    for cls in ("Method", "Paper", "Review", "CodeRepository", "SourceList", "EdamTerm", "Link"):
        assert schema["classes"][cls]["class_uri"].startswith(STANDARD), cls


def test_most_slots_use_standard_properties(schema):
    uris = [body["slot_uri"] for body in schema["slots"].values() if "slot_uri" in body]  # not id
    standard = [u for u in uris if u.startswith(STANDARD)]
    # The rest is the list's own bookkeeping (sections, positions, listing history, which facts
    # were inferred), for which no standard vocabulary has a property.
    assert len(standard) / len(uris) > 0.7


@pytest.mark.parametrize(
    ("slot", "branch"),
    [
        ("edam_topics", "topic"),
        ("edam_operations", "operation"),
        ("edam_inputs", "data"),
        ("edam_outputs", "data"),
        ("edam_formats", "format"),
    ],
)
def test_edam_slots_are_pinned_to_their_branch(schema, slot, branch):
    type_name = schema["slots"][slot]["range"]
    pattern = schema["types"][type_name]["pattern"]
    assert re.fullmatch(pattern, f"edam:{branch}_0001")
    others = {"topic", "operation", "data", "format"} - {branch}
    assert not any(re.fullmatch(pattern, f"edam:{o}_0001") for o in others)


def test_instance_ids_have_one_path_segment_per_class(schema):
    prefixes = schema["prefixes"]
    for cls in ("Method", "Paper", "Architecture", "DataModality", "Subfield", "SoftwareFramework"):
        (prefix,) = schema["classes"][cls]["id_prefixes"]
        assert prefixes[prefix] == f"https://w3id.org/dlbio/{prefix}/"
    assert schema["id"] + "/" == prefixes["dlbio"] == "https://w3id.org/dlbio/schema/"


def test_build_generates_json_schema_shacl_owl_and_docs(schema_cache):
    artifacts = ensure_artifacts(SCHEMA, schema_cache)
    for name in ("dlbio.schema.json", "dlbio.shacl.ttl", "dlbio.owl.ttl", "docs/Method.md"):
        assert (artifacts.folder / name).stat().st_size > 0, name
    assert (
        "sh:targetClass" in artifacts.shacl.read_text()
        or "targetClass" in artifacts.shacl.read_text()
    )


LAZY_CHECK = """
import sys
from kg.schema import _generator

_generator("docgen", "DocGenerator")  # imports two names from the package itself
import linkml.generators as package
from linkml.generators import OwlSchemaGenerator, JsonSchemaGenerator
from linkml.generators.owlgen import OwlSchemaGenerator as direct

assert OwlSchemaGenerator is direct
assert JsonSchemaGenerator.__module__ == "linkml.generators.jsonschemagen"
try:
    package.NoSuchGenerator
except AttributeError:
    pass
else:
    raise AssertionError("an unknown name resolved")
print(sorted(n for n in sys.modules if n.split(".")[0] == "sqlalchemy"))
"""


def test_generators_package_resolves_names_lazily_without_the_unused_generators():
    done = subprocess.run(
        [sys.executable, "-c", LAZY_CHECK], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"  # SQLAlchemy's generator (and SQLAlchemy) never loaded


def test_lazy_generators_package_only_for_an_init_of_plain_imports():
    from kg.schema import _lazy_exports

    plain = '"""Doc."""\nfrom a.b import C, D as E\n__all__ = ["C", "E"]\n'
    assert _lazy_exports(plain) == {"C": "a.b", "E": "a.b"}
    for other in ("x = 1\n", "import os\n", "from . import c\n", "if True:\n    pass\n"):
        assert _lazy_exports(plain + other) is None, other
