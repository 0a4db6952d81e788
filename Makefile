# A newcomer's two commands: `make run` and `make test`. Everything else is here for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 5000
# The suite runs on every core (pytest-xdist), one test file per worker at a time; `-n 0` runs it
# in one process: `make test PYTEST_WORKERS=0 PYTEST_ARGS=tests/unit`.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile
# Links in e-mails point at the address served here, never at a request's Host header.
PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)
FLASK := PARTNERSHIP_ENV=development PUBLIC_BASE_URL=$(PUBLIC_BASE_URL) $(BIN)/flask --app partnership
CATALOGUES := $(wildcard partnership/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

.PHONY: run serve test test-postgres lint install translations translations-update check-system clean \
	loadtest loadtest-short loadtest-faults

run: install translations
	$(FLASK) db upgrade
	$(FLASK) convert-accompanying-adults
	$(FLASK) seed-demo --if-empty
	@$(FLASK) demo-logins
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl+C stops)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The production shape on this machine: PostgreSQL and Redis (CI's: 127.0.0.1:5432 trust auth,
# 127.0.0.1:6379), migrations, then gunicorn on SERVE_PORT, the RQ worker and the scheduler;
# Ctrl+C stops all three. Says what is missing and how to start it when a service does not
# answer. Override DATABASE_URL, REDIS_URL, SERVE_PORT; SERVE_ARGS="--only web" runs part of it.
SERVE_PORT ?= 8000
serve: install translations
	SERVE_PORT=$(SERVE_PORT) $(BIN)/python scripts/serve.py $(SERVE_ARGS)

test: install translations
	$(PYTEST) $(PYTEST_ARGS)

# The same suite against PostgreSQL (CI: 127.0.0.1:5432, trust auth, database `test`).
test-postgres: install translations
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
		$(PYTEST) $(PYTEST_ARGS)

# Load tests (loadtest/, docs/load-testing.md): two gunicorn hosts over PostgreSQL and Redis.
# `make loadtest` builds 10,000 organisations and runs 50 simulated people for 3 minutes, then
# checks that every acknowledged write is in the database; `make loadtest-short` is CI's version.
LOADTEST_DATABASE ?= postgresql+psycopg://postgres@127.0.0.1:5432/loadtest
LOAD_STAMP := $(VENV)/.installed-load

$(LOAD_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,load]'
	@touch $@

loadtest: $(LOAD_STAMP) translations
	$(BIN)/python -m loadtest.run --build --database $(LOADTEST_DATABASE) $(LOADTEST_ARGS)
	$(BIN)/python -m loadtest.two_hosts --database $(LOADTEST_DATABASE)

# The full version's faults, one load each on a freshly built world (about 20 minutes; the
# PostgreSQL restart needs root and restarts every cluster on the machine: never on a shared one).
LOADTEST_FAULTS ?= kill-worker redis-stop kill-rq-worker postgres-restart
loadtest-faults: $(LOAD_STAMP) translations
	@for fault in $(LOADTEST_FAULTS); do \
		echo "== fault: $$fault"; \
		$(BIN)/python -m loadtest.run --build --database $(LOADTEST_DATABASE) --fault $$fault \
			--logs $${TMPDIR:-/tmp}/loadtest-logs-$$fault $(LOADTEST_ARGS) || exit 1; \
	done

loadtest-short: $(LOAD_STAMP) translations
	$(BIN)/python -m loadtest.run --build --database $(LOADTEST_DATABASE)_short \
		--organisations 500 --users 20 --spawn-rate 10 --seconds 30 --fault kill-worker \
		--instance /tmp/loadtest-short --accounts /tmp/loadtest-short.json --logs /tmp/loadtest-short-logs
	$(BIN)/python -m loadtest.two_hosts --database $(LOADTEST_DATABASE)_short \
		--instance /tmp/loadtest-short --accounts /tmp/loadtest-short.json --logs /tmp/loadtest-short-logs

# Ruff, then the import-linter contracts in pyproject.toml (layers, no loops).
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

install: $(STAMP)

$(STAMP): pyproject.toml scripts/check_system.py
	@$(PYTHON) scripts/check_system.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

translations: $(COMPILED)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile -i $< -o $@ 2>&1 | grep -v '^compiling' || true
	@test -s $@

# After changing user-visible strings: extract, merge into every catalogue, fill English.
translations-update: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --no-location --sort-output \
		--project=partnership --copyright-holder="Embassy of Ukraine in Kazakhstan" \
		-w 100 -o partnership/translations/messages.pot partnership templates
	$(BIN)/pybabel update -i partnership/translations/messages.pot -d partnership/translations \
		--ignore-obsolete --no-fuzzy-matching -w 100
	$(BIN)/python scripts/fill_english_catalogue.py

clean:
	rm -rf $(VENV) .pytest_cache $(COMPILED)
