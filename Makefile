# Chibo. `make help` lists the targets.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE ?= chibo.settings.dev

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/.runtime: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e . 2>/dev/null || $(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

$(BIN)/.dev: $(BIN)/.runtime requirements-dev.txt
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(BIN)/.runtime ## Create the virtual environment with the pinned dependencies

run: $(BIN)/.runtime ## Set up and serve Chibo on SQLite with the demo province (http://127.0.0.1:8000)
	$(BIN)/chibo migrate --noinput -v0
	$(BIN)/chibo demo --seed 1 --members 40000
	@# The task worker (imports) runs beside the web server and stops when it does.
	$(BIN)/chibo db_worker --no-reload -v0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	$(BIN)/chibo runserver 127.0.0.1:8000

demo: $(BIN)/.runtime ## Load the demo province into the database (once)
	$(BIN)/chibo migrate --noinput -v0
	$(BIN)/chibo demo --seed 1 --members 40000

lint: $(BIN)/.dev ## ruff, mypy and the migrations check
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	DJANGO_SETTINGS_MODULE=chibo.settings.test $(BIN)/chibo makemigrations --check --dry-run -v0
	$(BIN)/mypy src

test: $(BIN)/.dev ## Everything CI runs: lint, the suite on SQLite and on PostgreSQL, browser tests
	bash scripts/system-deps
	$(MAKE) lint
	$(BIN)/pytest -q -n 2 -m "not e2e"
	$(MAKE) test-pg
	$(MAKE) e2e

test-pg: $(BIN)/.dev ## The suite on PostgreSQL (a private server on loopback)
	DATABASE_URL=$$(bash scripts/pg-test-server) $(BIN)/pytest -q -n 2 -m "not e2e"

e2e: $(BIN)/.dev ## Browser tests: Playwright driving Debian's Chromium
	$(BIN)/pytest -q -m e2e

bench: $(BIN)/.dev ## Benchmarks (not part of the tests); results go in docs/benchmarks.md
	DATABASE_URL=$$(bash scripts/pg-test-server) $(BIN)/python bench/run.py
	DATABASE_URL=$$(bash scripts/pg-test-server) $(BIN)/python bench/documents.py
	DATABASE_URL=$$(bash scripts/pg-test-server) $(BIN)/python bench/import_speed.py

$(BIN)/.bench: $(BIN)/.dev requirements-bench.txt
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-bench.txt
	touch $@

national: $(BIN)/.bench ## The national-scale report benchmark (5.6M members; ~35 min, ~22 GB)
	DATABASE_URL=$$(bash scripts/pg-test-server) $(BIN)/python bench/national.py

.PHONY: help install run demo lint test test-pg e2e bench national
