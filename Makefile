# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= portal.settings.local

.PHONY: run test test-redis install db db-stop lint format check bench clean messages

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12) and "Python >= 3.12 is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

db: install
	$(BIN)/python -m portal.devdb start

db-stop:
	$(BIN)/python -m portal.devdb stop

# The mail worker (outbox) runs beside the web server and stops with it (Ctrl-C or a signal).
run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_regions
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/pytest -n 2

# The cache tests again, against a real Redis (or Valkey) server that the tests start on a loopback
# port; .ci/run installs Debian's redis-server and runs this after `make test`.
test-redis: install
	TEST_CACHE=redis DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/pytest -n 2 \
		tests/portal/test_page_cache.py tests/reports/test_query_counts.py tests/comments/test_article.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The project's translations (locale/*/LC_MESSAGES/*.po) into the committed .mo files, in pure Python.
messages: install
	$(BIN)/python manage.py compile_locale

# Every script in benchmarks/ but the shared helper, against the database named by PORTAL_DB_NAME
# (default portal_bench, see README's Benchmarks); the first one that fails stops the rest.
BENCHMARKS := $(filter-out benchmarks/timing.py,$(wildcard benchmarks/*.py))

bench: install
	set -e; for script in $(BENCHMARKS); do echo "== $$script"; $(BIN)/python $$script; echo; done

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
