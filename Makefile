# One set of task scripts; CI calls `make test` as is. Everything starts from nothing.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install postgres-server browser demo test test-fast lint bench bench-full soak clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

# The PostgreSQL tests start their own throwaway server; this only installs the Debian packages
# when the machine has none.
postgres-server:
	bash scripts/postgres-server.sh install

# The report's browser tests drive Debian's headless Chromium; this installs it when missing.
browser:
	bash scripts/chromium.sh install

demo: install
	$(BIN)/piggy-elt demo

test: install postgres-server browser
	$(BIN)/python -m pytest -m "not soak" --durations=25

# The offline lane: no sandbox, load, dbt build, browser or server (under a minute).
test-fast: install
	$(BIN)/python -m pytest -m unit -q

# ruff on everything, mypy on the product packages (files and overrides in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: install
	$(BIN)/python -m bench --quick

bench-full: install
	$(BIN)/python -m bench

soak: install
	$(BIN)/python -m pytest -m soak

clean:
	rm -rf $(VENV) .sandbox exports demo piggy.duckdb dbt_project/target dbt_project/logs
