#!/usr/bin/env bash
# Endpoint benchmark harness: installs the bench-only tools, then runs bench.py.
#   bench/endpoint/run.sh [bench.py options]   e.g. --seconds 10 --synthetic 200000
# Tools (never runtime dependencies): wrk from Debian; the native `oxigraph` CLI and
# rdflib-endpoint from PyPI, in a separate venv under bench/work/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v wrk >/dev/null; then
    apt-get update -qq && apt-get install -y -qq wrk
fi
TOOLS=bench/work/venv
if [ ! -x "$TOOLS/bin/oxigraph" ] || [ ! -x "$TOOLS/bin/rdflib-endpoint" ]; then
    python3 -m venv "$TOOLS"
    "$TOOLS/bin/pip" install --quiet oxigraph==0.5.13 rdflib-endpoint uvicorn
fi
exec .venv/bin/python bench/endpoint/bench.py --tools "$TOOLS/bin" "$@"
