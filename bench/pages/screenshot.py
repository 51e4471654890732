"""The picture of the home page in the README (``docs/home.png``), taken by the project itself.

Starts the real server (``dlbio serve --workers 1`` on a free loopback port, the built KG of
``build/current``), waits for its ready line, opens ``/`` in headless Debian Chromium (Playwright)
at a desktop width, saves the top of the page as PNG and stops the server it started.

Usage::

    .venv/bin/python bench/pages/screenshot.py            # writes docs/home.png
    .venv/bin/python bench/pages/screenshot.py --out x.png --width 1280 --height 1100
"""

from __future__ import annotations

import argparse
import signal
import socket
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
LIMIT = 300_000  # bytes: the README's picture stays small


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _shoot(base: str, out: Path, width: int, height: int) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(base + "/", wait_until="networkidle")
        page.screenshot(path=str(out), full_page=False)
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "home.png")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1100)
    args = parser.parse_args()
    port = _free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "dlbio"), "serve", "--port", str(port), "--workers", "1"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        ready = server.stdout.readline()  # "DLBio-KG serving <url> ..." once it is ready
        if "serving" not in ready:
            print(f"the server did not start: {ready!r}", file=sys.stderr)
            return 1
        args.out.parent.mkdir(parents=True, exist_ok=True)
        _shoot(f"http://127.0.0.1:{port}", args.out, args.width, args.height)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    size = args.out.stat().st_size
    print(f"{args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}: "
          f"{size:,} bytes")
    if size > LIMIT:
        print(f"larger than {LIMIT:,} bytes: take a smaller --height", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
