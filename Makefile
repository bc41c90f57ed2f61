# healtharchive — two commands do everything on a fresh machine: `make demo` and `make test`.
# Only Python 3.11 and make are assumed; uv is bootstrapped into .tools/ with pip, and the
# environment (.venv) is synced from the committed lock file (uv.lock).

PYTHON ?= python3
UV_VERSION ?= 0.13.9
UV := .tools/bin/uv
VENV := .venv
DEMO_DATA ?= demo-data
AIRFLOW_DEMO ?= airflow-demo
export UV_PYTHON_DOWNLOADS := never
# compile every installed module to bytecode once, at sync: a process that imports dbt, Splink
# and Great Expectations from source spends ~19 s compiling them, ~7.5 s with bytecode
# (bench/results/scale_notes.md), and every CLI call and Airflow task is a new process
export UV_COMPILE_BYTECODE := 1

.PHONY: demo docs airflow test lint bench env system-deps clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

env: $(VENV)/.synced

# Debian packages the tests need: headless Chromium (the HTML reports), PostgreSQL and MariaDB
# (the hospital front-end connectors are tested against real servers).
system-deps:
	bash scripts/install-system-deps.sh

demo: env
	$(VENV)/bin/healtharchive demo --data $(DEMO_DATA)

# a real local Airflow (airflow standalone) with the project's DAGs and a simulated city whose
# nights it catches up; prints the URL and the login; Ctrl-C stops it (scripts/airflow_local.py)
airflow: env
	$(VENV)/bin/python scripts/airflow_local.py --root $(AIRFLOW_DEMO)

# the warehouse's dbt documentation (lineage, models, tests) for the demo data, viewable offline
docs: env
	$(VENV)/bin/healtharchive docs --data $(DEMO_DATA)/data

# Files go to the two workers in path order, not by their number of tests (xdist's default):
# the files with few but long tests (tests/dags, tests/e2e: real schedulers, whole nights) start
# first instead of being the last to finish.
test: env system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest -n 2 --dist loadfile --no-loadscope-reorder

lint: env
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# every benchmark in bench/, the scale tiers that finish in minutes among them (10k × 30 and
# 100k × 90, bench/results/scale.md); the 1M × 365 tier takes hours and is run on demand:
# $(VENV)/bin/python -m bench scale --tier 1m
bench: env
	$(VENV)/bin/python -m bench

clean:
	rm -rf $(DEMO_DATA) $(AIRFLOW_DEMO) .pytest_cache .ruff_cache
