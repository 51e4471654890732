"""What gets served: a built KG release directory, or RDF files in any syntax (``--load``)."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from server import create_app
from server.graph.store import KGError, load_files, predicate_major
from server.settings import load_settings

NT = "<http://example.org/m1> <http://www.w3.org/2000/01/rdf-schema#label> \"Method one\" .\n"
VOID_TTL = (
    "@prefix void: <http://rdfs.org/ns/void#> .\n"
    "<https://w3id.org/dlbio/dataset> a void:Dataset ; void:triples 1 .\n"
)
FORMATS = {
    "data.ttl": '@prefix ex: <http://example.org/> . ex:m1 ex:name "x" .',
    "data.nt": '<http://example.org/m1> <http://example.org/name> "x" .',
    "data.nq": '<http://example.org/m1> <http://example.org/name> "x" <http://example.org/g> .',
    "data.trig": '<http://example.org/g> { <http://example.org/m1> <http://example.org/name> "x" }',
    "data.rdf": '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                'xmlns:ex="http://example.org/"><rdf:Description rdf:about='
                '"http://example.org/m1"><ex:name>x</ex:name></rdf:Description></rdf:RDF>',
    "data.jsonld": '{"@id": "http://example.org/m1", "http://example.org/name": "x"}',
}
IN_GRAPH = "ASK { GRAPH <http://example.org/g> { <http://example.org/m1> ?p 'x' } }"
IN_DEFAULT = "ASK { <http://example.org/m1> <http://example.org/name> 'x' }"


def release(root: Path, version: str = "2026.11.24-test", with_store: bool = False) -> Path:
    """Write a tiny KG release directory (the layout ``dlbio build`` produces)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "dlbio.nt").write_text(NT, encoding="utf-8")
    (root / "void.ttl").write_text(VOID_TTL, encoding="utf-8")
    files = {"dlbio.nt": {"sha256": "0", "size": len(NT), "media_type": "application/n-triples",
                          "triples": 1}}
    manifest = {"version": version, "created": "2026-11-24T00:00:00+00:00", "triples": 1,
                "files": files}
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    if with_store:
        store = ox.Store(str(root / "store"))
        store.load(NT.encode(), format=ox.RdfFormat.N_TRIPLES)
        store.load(VOID_TTL.encode(), format=ox.RdfFormat.TURTLE)
        store.flush()
        del store
        gc.collect()
    return root


def ask(app, query: str) -> bool:
    """Run an ASK query through the app's protocol route."""
    response = app.test_client().get("/sparql", query_string={"query": query})
    assert response.status_code == 200, response.data
    return response.json["boolean"]


@pytest.mark.parametrize("mode", ["memory", "disk"])
def test_release_serves_dump_and_void_with_its_version(tmp_path: Path, mode: str) -> None:
    app = create_app({"DLBIO_KG_DIR": str(release(tmp_path / "kg", with_store=True)),
                      "DLBIO_STORE": mode})
    assert ask(app, "ASK { <http://example.org/m1> ?p 'Method one' }")
    assert ask(app, "ASK { <https://w3id.org/dlbio/dataset> a <http://rdfs.org/ns/void#Dataset> }")
    response = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
    assert response.headers["ETag"].startswith('"2026.11.24-test-')


def test_void_route_serves_the_release_void(tmp_path: Path) -> None:
    app = create_app({"DLBIO_KG_DIR": str(release(tmp_path / "kg"))})
    assert app.test_client().get("/void").data == VOID_TTL.encode()


def test_missing_release_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KGError, match="dlbio build"):
        create_app({"DLBIO_KG_DIR": str(tmp_path / "nothing")})


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_load_reads_every_rdf_syntax_and_keeps_named_graphs(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(FORMATS[name], encoding="utf-8")
    app = create_app({"DLBIO_LOAD": [str(path)]})
    quads = name.endswith((".nq", ".trig"))
    assert ask(app, IN_GRAPH if quads else IN_DEFAULT)
    assert not ask(app, IN_DEFAULT if quads else IN_GRAPH)


def test_load_version_follows_the_content(tmp_path: Path) -> None:
    path = tmp_path / "data.nt"
    etags = []
    for text in (FORMATS["data.nt"], FORMATS["data.nt"].replace('"x"', '"y"')):
        path.write_text(text, encoding="utf-8")
        client = create_app({"DLBIO_LOAD": [str(path)]}).test_client()
        etags.append(client.get("/sparql", query_string={"query": "ASK {}"}).headers["ETag"])
    assert etags[0] != etags[1]


@pytest.mark.parametrize(
    ("text", "message"),
    [("<a> <b> .", "not valid RDF"), (None, "cannot read")],
)
def test_bad_load_file_is_a_clear_error(tmp_path: Path, text: str | None, message: str) -> None:
    path = tmp_path / "bad.nt"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(KGError, match=message):
        create_app({"DLBIO_LOAD": [str(path)]})


INTERLEAVED_TRIG = """@prefix ex: <http://example.org/> .
ex:a ex:name "a" ; ex:kind ex:K ; ex:link _:x .
_:x ex:name "x" ; ex:kind ex:K .
ex:b ex:name "b" ; ex:kind ex:L ; ex:link ex:a .
ex:g { ex:a ex:name "in g" ; ex:link _:y . _:y ex:kind ex:K }
ex:empty { }
"""


def predicate_runs(store: ox.Store) -> list[str]:
    """The predicates in the store's own iteration (insertion) order, one entry per run."""
    runs: list[str] = []
    for quad in store:
        if not runs or runs[-1] != quad.predicate.value:
            runs.append(quad.predicate.value)
    return runs


def test_loaded_quads_are_stored_one_predicate_after_another(tmp_path: Path) -> None:
    as_loaded = ox.Store()
    as_loaded.load(INTERLEAVED_TRIG.encode(), format=ox.RdfFormat.TRIG)
    as_loaded.add_graph(ox.NamedNode("http://example.org/declared"))
    assert len(predicate_runs(as_loaded)) > 3  # the fixture interleaves its predicates
    copy = predicate_major(as_loaded)
    assert set(copy) == set(as_loaded)  # same quads, same blank nodes, same graphs
    assert set(copy.named_graphs()) == set(as_loaded.named_graphs())
    runs = predicate_runs(copy)
    assert len(runs) == len(set(runs)) == 3
    path = tmp_path / "data.trig"
    path.write_text(INTERLEAVED_TRIG, encoding="utf-8")
    served = load_files([str(path)]).store
    assert len(predicate_runs(served)) == 3 and len(served) == len(as_loaded)
    assert ox.NamedNode("http://example.org/g") in set(served.named_graphs())


def test_settings_layer_defaults_environment_and_overrides() -> None:
    environ = {"DLBIO_QUERY_TIMEOUT": "5", "DLBIO_SERVICE_ALLOWLIST": "a.example, b.example"}
    settings = load_settings({"DLBIO_QUERY_TIMEOUT": 7}, environ=environ)
    assert settings["DLBIO_QUERY_TIMEOUT"] == 7.0
    assert settings["DLBIO_SERVICE_ALLOWLIST"] == ["a.example", "b.example"]
    assert settings["DLBIO_KG_DIR"] == "build/current"
    with pytest.raises(ValueError, match="DLBIO_MAX_BODY_BYTES"):
        load_settings({"DLBIO_MAX_BODY_BYTES": "lots"}, environ={})


def test_the_project_build_is_servable(built_fixture) -> None:
    app = create_app({"DLBIO_KG_DIR": str(built_fixture.release)})
    client = app.test_client()
    count = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    assert int(count.json["results"]["bindings"][0]["n"]["value"]) >= built_fixture.triples
    assert count.headers["ETag"].startswith(f'"{built_fixture.version}-')
    assert client.get("/void").data == (built_fixture.release / "void.ttl").read_bytes()
