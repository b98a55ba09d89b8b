# Two commands on a fresh machine: `make run` and `make test`. Python 3.11+ is all they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
WEB_CONCURRENCY ?= 2
export DATABASE_URL ?= sqlite:///$(CURDIR)/instance/scheduling.sqlite3

.PHONY: install browser wrk run test lint contract migrate seed sync bench bench-http bench-observability bench-webhooks bench-matching clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

migrate: install
	mkdir -p instance
	$(BIN)/alembic upgrade head

seed: migrate
	$(BIN)/flask --app wsgi seed --if-empty

sync: seed
	$(BIN)/flask --app wsgi sync-availability

# The web server and the webhook delivery worker (Procfile), side by side; Ctrl-C stops both.
# Readable log lines at a terminal (the commands it runs first too), unless LOG_FORMAT is set.
run: export LOG_FORMAT ?= console
run: sync
	$(BIN)/flask --app wsgi api-keys dev-key --file instance/dev-api-key
	@echo "Serving http://127.0.0.1:$(PORT)  (API key: $$(cat instance/dev-api-key); docs/API.md)"
	PATH="$(CURDIR)/$(BIN):$$PATH" WEB_CONCURRENCY=$(WEB_CONCURRENCY) \
		$(BIN)/honcho start --procfile Procfile --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

contract: install
	$(BIN)/lint-imports

# Headless Chromium for the test that renders /docs, from Debian's packages when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "warning: chromium could not be installed; the docs page test will not run"

test: lint contract browser
	$(BIN)/pytest

bench: install
	$(BIN)/python -m bench.free_time

# wrk, the HTTP load generator, from Debian's packages when missing.
wrk:
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

# The HTTP benchmark (docs/BENCHMARKS.md): SQLite and PostgreSQL (BENCH_POSTGRES_ADMIN_URL,
# default postgresql://postgres@127.0.0.1:5432/postgres). BENCH_ARGS=--quick for a smoke run.
bench-http: install wrk
	$(BIN)/python -m bench.http $(BENCH_ARGS)

# What logging and metrics cost: GET availabilities as shipped against both off, in one run
# (docs/BENCHMARKS.md). BENCH_ARGS="--quick" for a smoke run, "--db postgresql" for PostgreSQL.
bench-observability: install wrk
	$(BIN)/python -m bench.observability $(BENCH_ARGS)

# The webhook benchmark (docs/BENCHMARKS.md, "Webhooks"): booking with and without a subscribed
# endpoint, delivery lag at 100 bookings/s, one worker's drain rate. BENCH_ARGS=--quick to smoke.
bench-webhooks: install wrk
	$(BIN)/python -m bench.webhooks $(BENCH_ARGS)

# Provider matching (docs/BENCHMARKS.md, "Provider matching"), in process, 1,000 and 10,000
# providers: filtering alone, filtered against by-id search, unfiltered. BENCH_ARGS="--db postgresql".
bench-matching: install
	$(BIN)/python -m bench.matching $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache
