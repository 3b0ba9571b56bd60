# Two commands: `make run` (install + demo database + dashboard) and `make test` (install + tests).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test demo-db bench clean-db

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==26.3"
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test,build]"
	touch $(STAMP)

install: $(STAMP)

demo-db: $(STAMP)
	$(PY) -m loaders build-demo --if-missing

run: demo-db
	$(PY) -m streamlit run dashboard/app.py --server.port 8501

test: $(STAMP)
	$(PY) -m ruff check loaders dashboard tests
	$(PY) -m ruff format --check loaders dashboard tests
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) tests/benchmarks/bench_pages.py
	$(PY) tests/benchmarks/bench_extraction.py
	$(PY) tests/benchmarks/bench_schema.py
	$(PY) tests/benchmarks/bench_queries.py
	$(PY) tests/benchmarks/bench_explore.py
	$(PY) tests/benchmarks/bench_distributed.py
	$(PY) tests/benchmarks/bench_client.py

clean-db:
	rm -f data/atlas.duckdb data/atlas.duckdb.wal
