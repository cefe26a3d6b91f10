# The two commands a newcomer needs (README.md): `make demo` and `make test`.
PY := .venv/bin/python
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: install install-test services demo test lint benchmark benchmark-meetings

install:
	scripts/bootstrap.sh install

install-test:
	scripts/bootstrap.sh install-test

services:
	scripts/bootstrap.sh services

# Embedded SQLite unless DATABASE_URL names another database.
demo: install
	$(PY) manage.py migrate -v0
	$(PY) manage.py seed_demo --scale tiny --year 2025 --seed 1 --results 60 --skip-if-present
	$(PY) manage.py seed_meetings --year 2025 --seed 1 --skip-if-present
	@echo "Serving on http://$(HOST)/ (Ctrl+C to stop)"
	$(PY) manage.py runserver $(HOST)

# The whole suite on PostgreSQL with Redis, browser tests in headless Chromium included.
test: install-test services
	$(PY) -m ruff check .
	$(PY) -m pytest --create-db $(PYTEST_ARGS)

lint:
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

benchmark: install-test services
	$(PY) benchmarks/run.py

benchmark-meetings: install-test services  # issue 16: a year of meetings, province scale
	$(PY) benchmarks/meetings.py
