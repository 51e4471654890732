"""First-hit and warm latency per page type right after ``dlbio serve`` starts.

For each page type and front, starts the real server (``dlbio serve --workers 1`` on a free
loopback port, the built KG of ``build/current``), waits for its ready line, requests the page
once (the worker's first hit) and then ``--repeat`` times (warm), timing each request at the
client over loopback. For comparison it also times, in-process, the first request of an app
created without ``server.runtime.ready.prepare_pages`` (what each worker paid before).

Usage::

    .venv/bin/python bench/pages/startup.py              # writes bench/work/pages-startup.json
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from server import create_app  # noqa: E402

WORK = ROOT / "bench" / "work"
SimpleHTTPRequestHandler.log_message = lambda *args: None  # type: ignore[method-assign]
DLBIO = Path(sys.executable).parent / "dlbio"
PAGES = (
    ("home", "/"),
    ("method page", "/method/deepbind"),
    ("method Turtle", "/method/deepbind.ttl"),
    ("architecture page", "/architecture/cnn"),
    ("EDAM topic page", "/edam/topic_3295"),
    ("schema term", "/schema/Method"),
    ("method list (whole KG)", "/method/"),
    ("search", "/search?q=sequence"),
    ("download page", "/download"),
    ("query page", "/query"),
    ("unknown ID (404 page)", "/method/no-such-method"),
)


def _ms(session: requests.Session, url: str) -> float:
    start = time.perf_counter()
    response = session.get(url, headers={"Accept": "text/html"}, timeout=60)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code in (200, 404), (url, response.status_code)
    return elapsed


def _warm_client() -> None:
    """One request to a throwaway local server, so the client's own first-use costs (lazy
    imports, pools) are not counted in the server's first hit."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), SimpleHTTPRequestHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    with requests.Session() as session:
        session.head(f"http://127.0.0.1:{httpd.server_address[1]}/", timeout=10)
    httpd.shutdown()
    httpd.server_close()


def _served(front: str, path: str, repeat: int) -> dict[str, float]:
    process = subprocess.Popen(
        [str(DLBIO), "serve", "--port", "0", "--workers", "1", "--front", front],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        base = process.stdout.readline().split()[2]  # "DLBio-KG serving <url> ..."
        _warm_client()
        with requests.Session() as session:
            first = _ms(session, base.rstrip("/") + path)
            warm = sorted(_ms(session, base.rstrip("/") + path) for _ in range(repeat))
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)
    return {"first_ms": first, "warm_median_ms": statistics.median(warm),
            "warm_p95_ms": warm[int(0.95 * (len(warm) - 1))]}


def _unprepared(path: str) -> float:
    """The first request of an app that did not prepare its pages (fresh process)."""
    code = (
        "import sys, time; sys.path.insert(0, '.'); from server import create_app; "
        "client = create_app({'DLBIO_KG_DIR': 'build/current'}).test_client(); "
        f"start = time.perf_counter(); client.get({path!r}); "
        "print((time.perf_counter() - start) * 1000)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return float(done.stdout.split()[-1])


def main() -> None:
    """Measure every page type under each front; print a table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    create_app({"DLBIO_KG_DIR": "build/current"})  # fails early without a build
    results: dict[str, dict] = {}
    for name, path in PAGES:
        row = {"path": path, "unprepared_first_in_process_ms": _unprepared(path)}
        for front in ("gunicorn", "granian"):
            row[front] = _served(front, path, args.repeat)
        results[name] = row
        print(f"{name:28} unprepared {row['unprepared_first_in_process_ms']:7.1f}  " + "  ".join(
            f"{f}: first {row[f]['first_ms']:6.1f} warm {row[f]['warm_median_ms']:5.1f}"
            for f in ("gunicorn", "granian")), flush=True)
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "pages-startup.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
