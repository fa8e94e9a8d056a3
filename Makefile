# newsmon: `make run` runs the pipeline on the bundled demo; `make test` runs the whole suite.
# Both set everything up on a fresh machine (virtualenv, Python packages, Kafka jars).
#
# Set-up steps say what they do: each runs through $(STEP) (scripts/step), which prints one
# line when it starts and one with how long it took; pip shows its progress on a terminal and
# is quiet in CI (CI=true) or when the output goes to a file. To add a step, in a recipe:
#
#     @$(STEP) "installing chromium (first run: about 1 minute)" scripts/apt-install chromium
#
# Debian packages: scripts/apt-install NAME... (quiet; runs apt-get update only when needed).
# Recipes start with @ so that only the step lines (and the commands' own output) show.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.newsmon-installed
PYTEST_ARGS ?=
STEP := scripts/step
# The broker version the jars are fetched for: NEWSMON_BROKER__VERSION, else configs/newsmon.yaml.
KAFKA_VERSION ?= $(or $(NEWSMON_BROKER__VERSION),$(shell awk '/^broker:/{b=1} b && /^  version:/{print $$2; exit}' configs/newsmon.yaml))

.PHONY: help install jars prometheus alertmanager-chromium openssl run test unit integration lint typecheck bench clean broker-stop doctor

help:
	@echo "make run    - install, start the local broker, serve the demo feed, run poller + worker, print alerts"
	@echo "make test   - install and run the whole test suite (starts its own broker on free ports)"
	@echo "make doctor - check the set-up (tools, ports, broker, models, disk, feeds): OK or what to do"
	@echo "make unit | integration | lint | typecheck | bench | clean"

$(STAMP): pyproject.toml requirements/parser-model.txt
	@test -x $(BIN)/python || $(STEP) "creating the virtualenv $(VENV)" $(PYTHON) -m venv $(VENV)
	@$(STEP) "upgrading pip" $(BIN)/python -m pip install --upgrade pip
	@$(STEP) "installing Python packages (first run: several minutes, torch alone is over 1 GB)" \
	  $(BIN)/python -m pip install -e '.[dev,fulltext]'
	@$(STEP) "installing spaCy's en_core_web_sm 3.8.0 (models.parser), pinned by the wheel's hash" \
	  $(BIN)/python -m pip install --require-hashes --no-deps -r requirements/parser-model.txt
	@touch $(STAMP)

install: $(STAMP)

jars: install
	@$(STEP) "fetching Kafka $(KAFKA_VERSION) jars (first run: about 1 minute)" \
	  $(BIN)/newsmon --log-level WARNING broker jars

# The integration tests scrape the pipeline with a real Prometheus (Debian package).
prometheus:
	@command -v prometheus >/dev/null && command -v promtool >/dev/null || \
	  $(STEP) "installing prometheus" scripts/apt-install prometheus

# The analysts' tests post to a real Alertmanager and load the page in headless Chromium.
alertmanager-chromium:
	@command -v prometheus-alertmanager >/dev/null && command -v chromium >/dev/null || \
	  $(STEP) "installing prometheus-alertmanager and chromium (first run: about 2 minutes)" \
	    scripts/apt-install prometheus-alertmanager chromium

# The SASL_SSL integration test makes its CA and broker certificate with openssl.
openssl:
	@command -v openssl >/dev/null || $(STEP) "installing openssl" scripts/apt-install openssl

run: jars
	@echo "==> starting newsmon (Ctrl-C stops it; if it fails, $(BIN)/newsmon doctor says why)"
	@$(BIN)/newsmon run

test: jars prometheus alertmanager-chromium openssl
	@$(STEP) "running the test suite (about 18 minutes on 2 cores)" $(BIN)/python -m pytest $(PYTEST_ARGS)

unit: install
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

integration: jars prometheus alertmanager-chromium openssl
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
	$(BIN)/python benchmarks/pipeline.py

doctor: install
	@$(BIN)/newsmon doctor

broker-stop: install
	$(BIN)/newsmon broker stop

clean:
	rm -rf .newsmon .pytest_cache .ruff_cache .mypy_cache
