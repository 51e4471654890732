"""Server time of the linked-data pages, measured in-process (no network, no client rendering).

Builds the KG (the curated ``data/`` or synthetic data of N methods made by
``bench/build/synth.py``) into ``bench/work/pages-<name>/``, creates the Flask app, warms it up
(the first request builds the page index and imports the Bioregistry), then requests each page
``--repeat`` times through the test client and reports min / median / p95 wall time per page.

Usage::

    .venv/bin/python bench/pages/run.py                      # the curated list
    .venv/bin/python bench/pages/run.py --synthetic 1000     # 1k synthetic methods
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kg.build import build  # noqa: E402
from kg.paths import Paths  # noqa: E402
from server import create_app  # noqa: E402

WORK = ROOT / "bench" / "work"
PAGES = (
    ("method list (whole KG)", "/method/"),
    ("method list, 2 facets", "/method/?architecture=cnn&subfield=genomics"),
    ("method page", "/method/{method}"),
    ("method Turtle", "/method/{method}.ttl"),
    ("architecture page (narrower incl.)", "/architecture/neural-network"),
    ("EDAM topic page (descendants incl.)", "/edam/topic_3295"),
    ("search", "/search?q=sequence"),
    ("download page", "/download"),
)


def _data(synthetic: int | None, folder: Path) -> Path:
    if not synthetic:
        return ROOT / "data"
    out = folder / "data"
    subprocess.run([sys.executable, str(ROOT / "bench/build/synth.py"), "--methods",
                    str(synthetic), "--out", str(out)], check=True)
    return out


def _release(synthetic: int | None) -> Path:
    folder = WORK / f"pages-{synthetic or 'list'}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    paths = Paths(ROOT / "schema/dlbio.yaml", _data(synthetic, folder), folder / "build",
                  ROOT / "build/schema")
    return build(paths, check_shacl=False).release


def _time(client, path: str, repeat: int) -> dict[str, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    samples.sort()
    return {"min_ms": samples[0], "median_ms": statistics.median(samples),
            "p95_ms": samples[int(0.95 * (len(samples) - 1))], "bytes": len(response.data)}


def main() -> None:
    """Build, warm up, measure, print a table and write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synthetic", type=int, help="methods of synthetic data (default: data/)")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    release = _release(args.synthetic)
    app = create_app({"DLBIO_KG_DIR": str(release)})
    client = app.test_client()
    start = time.perf_counter()
    client.get("/method/deepbind")
    warm = (time.perf_counter() - start) * 1000
    method = "deepbind" if not args.synthetic else "synthetic-00001"
    results = {"kg": args.synthetic or "curated list", "warm_up_ms": warm, "pages": {}}
    for name, path in PAGES:
        results["pages"][name] = _time(client, path.format(method=method), args.repeat)
    print(f"warm-up (index + Bioregistry import): {warm:.0f} ms")
    print(f"{'page':40} {'min':>8} {'median':>8} {'p95':>8} {'KiB':>8}")
    for name, row in results["pages"].items():
        print(f"{name:40} {row['min_ms']:8.1f} {row['median_ms']:8.1f} {row['p95_ms']:8.1f}"
              f" {row['bytes'] / 1024:8.1f}")
    out = WORK / f"pages-{args.synthetic or 'list'}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
