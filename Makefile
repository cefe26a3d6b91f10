# The two commands a newcomer needs (README.md): `make demo` and `make test`.
PY := .venv/bin/python
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: install install-test services demo test lint benchmark

install:
	scripts/bootstrap.sh install

install-test:
	scripts/bootstrap.sh install-test

services:
	scripts/bootstrap.sh services

# Embedded SQLite unless DATABASE_URL names another database. The demo is the year under review
# today (from the date: 2026 on 30/11/2026) part-way through, deadlines ahead, and the two years
# before it closed with every result decided and issued (tests/reports/test_demo_this_year.py).
DEMO_ARGS ?= --scale tiny --seed 1 --history 2 --results 30 --submitted 15 --meetings 20
demo: install
	$(PY) manage.py migrate -v0
	$(PY) manage.py seed_demo $(DEMO_ARGS) --skip-if-present
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
