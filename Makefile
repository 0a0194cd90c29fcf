# eventwire: the two commands a fresh machine needs are `make demo` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= eventwire.db
EXAMPLES ?= ../shared/examples

.PHONY: demo test lint docs schema postgres chromium serve clean-db

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test,ray]'
	touch $@

## demo: install, analyse the bundled examples into $(DB), link incidents, print a summary
demo: $(VENV)/.installed
	$(BIN)/eventwire ingest $(EXAMPLES) --db $(DB)
	@echo
	$(BIN)/eventwire articles --db $(DB)
	@echo
	$(BIN)/eventwire link --db $(DB)
	@echo
	@echo "Browse them: $(BIN)/eventwire serve --db $(DB)   (or: make serve), then open http://127.0.0.1:8000/"

## serve: the web UI and API on the demo database
serve: $(VENV)/.installed
	$(BIN)/eventwire serve --db $(DB)

## test: lint, check generated docs, run the tests (PostgreSQL tests start a throwaway server)
test: $(VENV)/.installed-test postgres chromium
	$(BIN)/ruff check src tests
	$(BIN)/cog --check README.md docs/*.md
	$(BIN)/pytest -q

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests

## postgres: the Debian server for tests/test_store_pg.py, when missing and we are root
postgres:
	@if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing PostgreSQL for the store tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
		else echo "PostgreSQL not installed (not root): its tests will skip"; fi; \
	fi

## chromium: Debian's Chromium for the browser tests (driven by Playwright; no browser download)
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Chromium for the browser tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "Chromium not installed (not root): browser tests will skip"; fi; \
	fi

## docs: regenerate README.md and docs/*.md output blocks (cog), with docs/ui.md's screenshots taken by the browser tests
docs: $(VENV)/.installed-test chromium
	EVENTWIRE_DOCS_SHOTS=docs/img $(BIN)/pytest -q tests/test_web.py
	$(BIN)/cog -r README.md docs/*.md

## schema: regenerate schema/*.schema.json from eventwire.records
schema: $(VENV)/.installed
	$(BIN)/eventwire schema --record document -o schema/document.schema.json
	$(BIN)/eventwire schema --record error -o schema/error.schema.json
	$(BIN)/eventwire schema --record incident -o schema/incident.schema.json

clean-db:
	rm -f $(DB)
