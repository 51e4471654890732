# DLBio-KG — the two commands: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test build lint clean browser apache node assets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Browser tests drive Debian's Chromium through Playwright (no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

# The w3id.org rules (w3id/.htaccess) are tested with Debian's Apache httpd and mod_rewrite:
# apache2-bin is the server and its modules without the system service (nothing starts on port 80).
apache:
	@{ command -v apache2 || test -x /usr/sbin/apache2; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq apache2-bin >/dev/null; \
	  else echo "The w3id rules' tests need Debian's apache2: sudo apt-get install apache2-bin" >&2; exit 1; fi; }

# The query page's editor bundle: npm packages at set-up time, bundled by esbuild into build/assets.
FRONTEND := server/site/frontend
ASSETS := build/assets/query.js

node:
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	  else echo "The query page needs npm: sudo apt-get install nodejs npm" >&2; exit 1; fi; }

$(FRONTEND)/node_modules/.package-lock.json: $(FRONTEND)/package-lock.json | node
	cd $(FRONTEND) && npm ci --no-audit --no-fund

$(ASSETS): $(FRONTEND)/node_modules/.package-lock.json $(FRONTEND)/build.mjs $(wildcard $(FRONTEND)/src/*)
	cd $(FRONTEND) && npm run build

assets: $(ASSETS)

build: $(STAMP)
	$(BIN)/dlbio build

# Prints the URL once ready; stop it with Ctrl-C. Another address: make serve HOST=0.0.0.0 PORT=8080
serve: build assets
	@echo "Starting DLBio-KG on http://$(HOST):$(PORT)/ (stop it with Ctrl-C)"
	$(BIN)/dlbio serve --host $(HOST) --port $(PORT)

test: $(STAMP) browser apache assets
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf build
