# The two commands of the README are `make run` and `make test`; the rest are their parts.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
SAMPLE := data/sample_customers.csv
ORDERS_SAMPLE := data/sample_transactions.csv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install install-test browser java lint sample screenshots bench bench-small

$(PYTHON):
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip

install: $(PYTHON)
	$(PYTHON) -m pip install -q -e .

install-test: $(PYTHON)
	$(PYTHON) -m pip install -q -e '.[test]'

# Precompute both bundled samples (the customer file, then the order log), then serve the
# dashboard on http://127.0.0.1:8050.
run: install
	$(PYTHON) -m analytics run --input $(SAMPLE)
	$(PYTHON) -m analytics run --orders $(ORDERS_SAMPLE)
	$(PYTHON) -m dashapp --host 127.0.0.1 --port 8050

# Headless Chromium and its driver for the browser tests (Debian packages).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		{ $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium chromium-driver; }

# Java for the Spark engine and its tests (PySpark comes with the test extra).
java:
	@command -v java >/dev/null || \
		{ $(SUDO) apt-get update && $(SUDO) apt-get install -y openjdk-17-jre-headless; }

# ruff, then the architecture contracts of pyproject.toml [tool.importlinter] (docs/architecture.md).
lint: install-test
	$(PYTHON) -m ruff check .
	$(VENV)/bin/lint-imports

test: browser java install-test lint
	$(PYTHON) -m pytest

# How the bundled samples under data/ were made.
sample: install
	$(PYTHON) -m analytics sample --rows 3000 --seed 42 --out $(SAMPLE)
	$(PYTHON) -m analytics sample --kind transactions --rows 5000 --seed 42 --out $(ORDERS_SAMPLE)

# Every page at 1400 px and 390 px into docs/screenshots/, from a dashboard on port 8050 that
# serves both bundled samples: `make run` in another terminal first.
screenshots: browser install-test
	$(PYTHON) docs/screenshots/capture.py --url http://127.0.0.1:8050

# Run time per stage at 10k/100k/1M rows against the bare library calls, into docs/benchmarks.md
# (about 10 minutes; `make bench SIZES=10k,100k` for a quicker one).
SIZES ?= 10k,100k,1m
bench: $(PYTHON)
	$(PYTHON) -m pip install -q -e '.[bench]'
	$(PYTHON) -m benchmarks --sizes $(SIZES)

# The small files' runs (the reference data, the bundled sample), their fixed cost; about a minute.
bench-small: $(PYTHON)
	$(PYTHON) -m benchmarks --small
