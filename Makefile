# govmetrics: `make run` builds and publishes the warehouse; `make lint` runs ruff and sqlfluff; `make test-unit` runs the tests that need no build (pytest -m "not integration and not slow and not spark", under a minute); `make test` lints and runs every test but the Spark ones; `make test-spark` builds on Apache Spark and DuckDB and compares them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
export GOVMETRICS_HOME ?= $(CURDIR)/warehouse
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
DBT_DIR := dbt_project
MANIFEST := $(DBT_DIR)/target/manifest.json
DBT_SOURCES := $(shell find $(DBT_DIR)/models $(DBT_DIR)/macros $(DBT_DIR)/seeds $(DBT_DIR)/tests -type f 2>/dev/null) $(DBT_DIR)/dbt_project.yml $(DBT_DIR)/profiles.yml

.PHONY: setup run test test-spark test-unit lint format dev eval eval-linking bench lock clean

setup: $(VENV)/.installed $(MANIFEST)

# Installs exactly the versions pinned in requirements.lock (uv is itself pinned).
$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

# The dbt manifest is prepared at build time, never parsed on import in production.
$(MANIFEST): $(VENV)/.installed $(DBT_SOURCES)
	$(BIN)/dbt parse --quiet --project-dir $(DBT_DIR) --profiles-dir $(DBT_DIR)
	touch $@

run: setup
	$(BIN)/govmetrics build
	@echo
	@echo "Published warehouse: $$($(BIN)/govmetrics where)"
	@echo "Try:"
	@echo "  $(BIN)/govmetrics sql \"select year, pop_60_plus_share, pop_60_plus_share_change_pp from marts.aging_timeseries order by year\""
	@echo "  $(BIN)/govmetrics sql \"select * from marts.aging_timeseries where year = 2023\" --format json"
	@echo "  $(BIN)/govmetrics sql \"select claim_id, surface, official_value_as_written, verdict from marts.claim_verification where verdict in ('inconsistent', 'implausible')\""
	@echo "  $(BIN)/govmetrics dq    # every data-quality check of this build, passed or not"

test: lint
	$(BIN)/pytest

# The dbt project built on Apache Spark (pyspark in local mode; needs Java 17 or newer) and on
# DuckDB, from the default data and from the 1M-observation bench panel: every table of every
# layer must match (tests/spark). Four whole builds.
test-spark: setup
	$(BIN)/pytest -m spark tests/spark

# Tests marked `integration` (they need a full build) or `slow` are left out.
test-unit: setup
	$(BIN)/pytest -m "not integration and not slow and not spark"

# sqlfluff's dbt templater (.sqlfluff) opens a dbt connection: it gets an empty DuckDB file of its
# own, never the build database, which a running build holds locked.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	lint_home=$$(mktemp -d) && mkdir $$lint_home/build \
		&& GOVMETRICS_HOME=$$lint_home $(BIN)/sqlfluff lint $(DBT_DIR)/models $(DBT_DIR)/tests; \
		status=$$?; rm -rf $$lint_home; exit $$status

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

dev: setup
	mkdir -p $(GOVMETRICS_HOME)/dagster
	cp orchestration/dagster.yaml $(GOVMETRICS_HOME)/dagster/dagster.yaml
	DAGSTER_HOME=$(GOVMETRICS_HOME)/dagster $(BIN)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

eval: setup
	$(BIN)/python -m tests.extraction_eval

# Links B.1 automatically and scores it against its register (builds first if nothing is
# published: verdict agreement needs the official figures).
eval-linking: setup
	test -f $(GOVMETRICS_HOME)/published/govmetrics.duckdb || $(BIN)/govmetrics build
	$(BIN)/python -m tests.linking_eval

# Sizes: `make bench` (default data, then panels of 1M, 10M and 100M observations),
# `make bench BENCH_ARGS=--quick` (default data and 1M), or BENCH_ARGS="--sizes 10k,1M".
bench: setup
	$(BIN)/python -m bench $(BENCH_ARGS)

# Re-pins every dependency; commit the new requirements.lock.
lock: $(VENV)/.installed
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.11 --no-header

clean:
	rm -rf $(GOVMETRICS_HOME)/build $(GOVMETRICS_HOME)/published $(GOVMETRICS_HOME)/releases \
		$(GOVMETRICS_HOME)/dq $(GOVMETRICS_HOME)/logs $(GOVMETRICS_HOME)/dagster $(DBT_DIR)/target $(DBT_DIR)/logs
