"""The w3id.org rules (``w3id/.htaccess``) run by Debian's apache2 with mod_rewrite on loopback.

The file is installed at ``dlbio/.htaccess`` of a private DocumentRoot, as on w3id.org, with only
its deployment line pointed at a loopback address; every IRI form must arrive at the deployment
with its path and query string, with 303 for RDF clients asking for things, 302 otherwise and
307 for the SPARQL endpoint. ``make apache`` (a prerequisite of ``make test``) installs it.
"""

from __future__ import annotations

import http.client
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from liveserver import free_port, live_server

from kg.build import BuildResult
from kg.paths import PROJECT_ROOT
from server.graph.segments import ENTITY_SEGMENTS

RULES = PROJECT_ROOT / "w3id" / ".htaccess"
DEPLOYMENT_LINE = re.compile(r"^RewriteRule \^ - \[E=DLBIO_DEPLOYMENT:(?P<base>\S+)\]$", re.M)
MODULES = Path("/usr/lib/apache2/modules")
CONFIG = """\
ServerRoot "{root}"
DefaultRuntimeDir "{root}/run"
PidFile "{root}/run/apache2.pid"
Listen 127.0.0.1:{port}
ServerName 127.0.0.1
{user}
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule dir_module {modules}/mod_dir.so
LoadModule headers_module {modules}/mod_headers.so
LoadModule rewrite_module {modules}/mod_rewrite.so
ErrorLog "{root}/logs/error.log"
LogLevel warn
DocumentRoot "{root}/htdocs"
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory "{root}/htdocs">
    AllowOverride All
    Require all granted
</Directory>
"""

RDF_TYPES = [
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/ld+json",
    "text/turtle;q=0.9, application/ld+json, */*;q=0.1",
]
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
NOT_RDF = [
    None,
    "*/*",
    BROWSER,
    "text/html",
    "application/json",
    "text/html, application/rdf+xml;q=0.5",
]
THINGS = [f"{segment}/example-id" for segment in ENTITY_SEGMENTS] + [
    "method/deepbind",
    "scheme/architectures",
    "query/lineage-of-a-method",
    "schema",
    "schema/",
    "schema/Method",
    "schema/has_input",
]
DOCUMENTS = [
    "",
    "method/",
    "method/deepbind.ttl",
    "method/deepbind.html",
    "schema.ttl",
    "edam/topic_0749",
    "download",
    "download/",
    "download/dlbio.ttl",
    "download/dlbio.nt.gz",
    "download/dlbio.jsonld.gz",
    "void",
    ".well-known/void",
    "registry.json",
    "openapi.json",
    "browse",
    "search?q=deep+bind",
    "resolve/doi:10.1093/nar/gkv1025",
    "query",
    "query?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D",
    "assets/query.js",
    "static/style.css",
]
QUERY = "query=SELECT%20%3Fm%20WHERE%20%7B%3Fm%20a%20%3Chttps%3A%2F%2Fw3id.org%2Fdlbio%2Fschema%2FMethod%3E%7D&format=json"


def find_apache() -> str | None:
    """Debian's apache2 binary (``/usr/sbin`` is often not on a user's PATH)."""
    return shutil.which("apache2") or shutil.which("apache2", path="/usr/sbin:/usr/local/sbin")


def with_deployment(text: str, base: str) -> str:
    """The rules with the deployment line (exactly one) set to ``base``."""
    assert len(DEPLOYMENT_LINE.findall(text)) == 1, "w3id/.htaccess needs one deployment line"
    return DEPLOYMENT_LINE.sub(f"RewriteRule ^ - [E=DLBIO_DEPLOYMENT:{base}]", text)


@dataclass
class W3id:
    """A running apache2 playing w3id.org: its port and the deployment its rules point at."""

    port: int
    deployment: str
    rules: Path

    def get(
        self,
        path: str,
        accept: str | None = None,
        method: str = "GET",
        body: str = "",
        headers: dict[str, str] | None = None,
    ) -> http.client.HTTPResponse:
        """One request for ``/dlbio/{path}``, redirects not followed."""
        sent = {**({"Accept": accept} if accept else {}), **(headers or {})}
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request(method, f"/dlbio/{path}", body=body or None, headers=sent)
        response = connection.getresponse()
        response.read()
        connection.close()
        return response


def _layout(root: Path, port: int, deployment: str) -> Path:
    (root / "htdocs" / "dlbio").mkdir(parents=True)
    (root / "run").mkdir()
    (root / "logs").mkdir()
    rules = root / "htdocs" / "dlbio" / ".htaccess"
    rules.write_text(
        with_deployment(RULES.read_text(encoding="utf-8"), deployment), encoding="utf-8"
    )
    user = ""
    if os.geteuid() == 0:  # apache2 will not serve as root: its children run as www-data
        name = "www-data" if _has_user("www-data") else "nobody"
        user = f"User {name}\nGroup #{pwd.getpwnam(name).pw_gid}"
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    config = CONFIG.format(root=root, port=port, user=user, modules=MODULES)
    (root / "apache2.conf").write_text(config, encoding="utf-8")
    return rules


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    stop = time.monotonic() + 15
    while time.monotonic() < stop:
        if process.poll() is not None:
            raise RuntimeError(f"apache2 exited with {process.returncode}: {_read(log)}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"apache2 did not listen on {port}: {_read(log)}")


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else "(no log)"


def _stop(process: subprocess.Popen) -> None:
    """Stop apache2 by its PID: SIGTERM to the parent stops its children too."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextmanager
def _apache(binary: str, deployment: str) -> Iterator[W3id]:
    """apache2 in the foreground on a free loopback port with the rules sent to ``deployment``."""
    root = Path(tempfile.mkdtemp(prefix="dlbio-w3id-"))  # not under pytest's 0700 tmp folders
    try:
        port = free_port()
        rules = _layout(root, port, deployment)
        process = subprocess.Popen(
            [binary, "-f", str(root / "apache2.conf"), "-DFOREGROUND"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(port, process, root / "logs" / "error.log")
            yield W3id(port, deployment, rules)
        finally:
            _stop(process)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def w3id() -> Iterator[W3id]:
    """apache2 in the foreground on a free loopback port, serving the rules as w3id.org does."""
    binary = find_apache()
    if binary is None:
        pytest.skip(
            "apache2 not found (on PATH or in /usr/sbin): run `make apache` "
            "or `sudo apt-get install apache2-bin`"
        )
    assert (MODULES / "mod_rewrite.so").is_file(), f"mod_rewrite missing from {MODULES}"
    with _apache(binary, f"http://127.0.0.1:{free_port()}") as running:
        yield running


def test_the_served_file_is_the_submitted_one_but_its_deployment_line(w3id: W3id) -> None:
    submitted = RULES.read_text(encoding="utf-8").splitlines()
    served = w3id.rules.read_text(encoding="utf-8").splitlines()
    assert len(served) == len(submitted)
    differing = [(a, b) for a, b in zip(submitted, served, strict=True) if a != b]
    assert len(differing) == 1
    assert differing[0][1] == f"RewriteRule ^ - [E=DLBIO_DEPLOYMENT:{w3id.deployment}]"


def test_the_submitted_deployment_is_an_https_base_without_trailing_slash() -> None:
    match = DEPLOYMENT_LINE.search(RULES.read_text(encoding="utf-8"))
    assert match and re.fullmatch(r"https://[^/\s]+(/[^\s]*[^/])?", match["base"])


@pytest.mark.parametrize("path", THINGS)
@pytest.mark.parametrize("accept", RDF_TYPES)
def test_rdf_clients_asking_for_a_thing_get_303_to_the_same_path(w3id, path, accept) -> None:
    response = w3id.get(path, accept)
    assert response.status == 303
    assert response.getheader("Location") == f"{w3id.deployment}/{path}"
    assert "Accept" in response.getheader("Vary", "")


@pytest.mark.parametrize("path", THINGS)
@pytest.mark.parametrize("accept", NOT_RDF)
def test_other_clients_asking_for_a_thing_get_302_to_the_same_path(w3id, path, accept) -> None:
    response = w3id.get(path, accept)
    assert response.status == 302
    assert response.getheader("Location") == f"{w3id.deployment}/{path}"
    assert "Accept" in response.getheader("Vary", "")


@pytest.mark.parametrize("path", DOCUMENTS)
@pytest.mark.parametrize("accept", [None, BROWSER, "text/turtle", "application/ld+json"])
def test_documents_get_302_to_the_same_path_and_query_whatever_the_accept(
    w3id, path, accept
) -> None:
    response = w3id.get(path, accept)
    assert response.status == 302
    assert response.getheader("Location") == f"{w3id.deployment}/{path}"
    assert "Accept" not in response.getheader("Vary", "")


@pytest.mark.parametrize("accept", [None, "application/sparql-results+json", "text/turtle"])
def test_sparql_get_keeps_its_query_string_with_307(w3id: W3id, accept: str | None) -> None:
    response = w3id.get(f"sparql?{QUERY}", accept)
    assert response.status == 307
    assert response.getheader("Location") == f"{w3id.deployment}/sparql?{QUERY}"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", QUERY),
        ("application/sparql-query", "ASK { ?s ?p ?o }"),
    ],
)
def test_sparql_post_gets_307_so_the_body_is_sent_again(w3id, content_type, body) -> None:
    response = w3id.get(
        "sparql", "application/sparql-results+json", "POST", body, {"Content-Type": content_type}
    )
    assert response.status == 307
    assert response.getheader("Location") == f"{w3id.deployment}/sparql"


def test_the_service_description_is_the_endpoint_without_a_query(w3id: W3id) -> None:
    response = w3id.get("sparql", "text/turtle")
    assert (response.status, response.getheader("Location")) == (307, f"{w3id.deployment}/sparql")


@pytest.mark.parametrize(
    "path",
    ["method/deepbind?x=1&y=a%20b", "schema/Method?lang=en", "download/dlbio.ttl?download=1"],
)
def test_query_strings_of_other_iris_are_kept(w3id: W3id, path: str) -> None:
    for accept in ("text/turtle", BROWSER):
        assert w3id.get(path, accept).getheader("Location") == f"{w3id.deployment}/{path}"


@pytest.mark.parametrize("path", ["method/deepbind", "download/dlbio.ttl", "sparql"])
def test_every_redirect_allows_cross_origin_clients(w3id: W3id, path: str) -> None:
    assert w3id.get(path, "text/turtle").getheader("Access-Control-Allow-Origin") == "*"


def test_the_folder_without_its_slash_ends_at_the_deployment_root(w3id: W3id) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", w3id.port, timeout=10)
    connection.request("GET", "/dlbio")
    response = connection.getresponse()
    connection.close()
    location = response.getheader("Location")
    if location == f"http://127.0.0.1:{w3id.port}/dlbio/":  # apache's DirectorySlash first
        location = w3id.get("").getheader("Location")
    assert location == f"{w3id.deployment}/"


def test_moving_the_deployment_is_the_one_line(w3id: W3id) -> None:
    original = w3id.rules.read_text(encoding="utf-8")
    moved = "http://127.0.0.1:9/kg/dlbio"  # a deployment under a path works the same way
    try:
        w3id.rules.write_text(with_deployment(original, moved), encoding="utf-8")
        assert w3id.get("method/deepbind", "text/turtle").getheader("Location") == (
            f"{moved}/method/deepbind"
        )
        assert w3id.get(f"sparql?{QUERY}").getheader("Location") == f"{moved}/sparql?{QUERY}"
        assert w3id.get("void").getheader("Location") == f"{moved}/void"
    finally:
        w3id.rules.write_text(original, encoding="utf-8")


@pytest.fixture(scope="module")
def deployed(
    built_fixture: BuildResult, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[W3id]:
    """The rules pointed at the real server (serving the tiny KG) on another loopback port."""
    binary = find_apache()
    if binary is None:
        pytest.skip("apache2 not found (on PATH or in /usr/sbin): run `make apache`")
    with live_server(
        tmp_path_factory.mktemp("w3id-live"), kg_dir=built_fixture.release, workers=1
    ) as base, _apache(binary, base) as running:
        yield running


def test_an_rdf_client_following_the_iri_gets_turtle_about_it(deployed: W3id) -> None:
    iri = "https://w3id.org/dlbio/method/danq"
    response = requests.get(
        f"http://127.0.0.1:{deployed.port}/dlbio/method/danq",
        headers={"Accept": "text/turtle"},
        timeout=30,
    )
    assert [r.status_code for r in response.history] == [303]
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert f"<{iri}>" in response.text or "method:danq" in response.text


def test_a_sparql_client_following_the_endpoint_gets_results(deployed: W3id) -> None:
    response = requests.post(
        f"http://127.0.0.1:{deployed.port}/dlbio/sparql",
        data={"query": "ASK { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert [r.status_code for r in response.history] == [307]
    assert response.json()["boolean"] is True
