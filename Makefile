# The two commands a newcomer needs (README.md): `make demo` and `make test`.
PY := .venv/bin/python
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: install install-test services demo serve test lint benchmark benchmark-meetings benchmark-load mutation

install:
	scripts/bootstrap.sh install

install-test:
	scripts/bootstrap.sh install-test

services:
	scripts/bootstrap.sh services

# Embedded SQLite unless DATABASE_URL names another database. The demo is the year under review
# today (from the date: 2026 on 30/11/2026) part-way through, deadlines ahead, and the two years
# before it closed with every result decided and issued (tests/reports/test_demo_this_year.py).
DEMO_ARGS ?= --scale tiny --seed 1 --history 2 --results 30 --submitted 15 --meetings 20 --quarters 100
demo: install
	$(PY) manage.py migrate -v0
	$(PY) manage.py seed_demo $(DEMO_ARGS) --skip-if-present
	$(PY) manage.py seed_meetings --seed 1 --skip-if-present
	@echo "Serving on http://$(HOST)/ (Ctrl+C to stop)"
	$(PY) manage.py runserver $(HOST)

# For real use (README, "Serving for real use"): production settings, static files collected
# and compressed once, gunicorn workers. Needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL.
serve: install
	DJANGO_SETTINGS_MODULE=config.settings.production $(PY) manage.py check --deploy --fail-level ERROR
	DJANGO_SETTINGS_MODULE=config.settings.production $(PY) manage.py migrate -v0
	DJANGO_SETTINGS_MODULE=config.settings.production $(PY) manage.py collectstatic --noinput -v0
	DJANGO_SETTINGS_MODULE=config.settings.production $(PY) -m gunicorn config.wsgi -c config/gunicorn.py

# The whole suite on PostgreSQL with Redis, browser tests in headless Chromium included.
test: install-test services
	$(PY) -m ruff check .
	$(PY) -m pytest --create-db $(PYTEST_ARGS)

lint:
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

benchmark: install-test services
	$(PY) benchmarks/run.py

# Mutation testing of the rule modules with the fast rule tests (issue 20; not part of `make test`):
# mutmut (config in pyproject.toml) then the score and every survivor, each listed as equivalent
# in tests/mutation/EQUIVALENT.md or failing the target. mutmut's own log: mutants/run.log.
mutation: install
	rm -rf mutants && mkdir mutants
	@echo "mutmut run over assessment/rules.py, assessment/quota.py, reports/arithmetic.py"
	@start=$$(date +%s); \
	$(PY) -m mutmut run --max-children 2 >mutants/run.log 2>&1 || { tail -n 40 mutants/run.log; exit 1; }; \
	echo "mutmut run: $$(( $$(date +%s) - start )) s"
	$(PY) tests/mutation/report.py

benchmark-meetings: install-test services  # issue 16: a year of meetings, province scale
	$(PY) benchmarks/meetings.py

# Issue 18: 100 secretaries and 10 board users on the production server (gunicorn, loopback only,
# bounded: 10 s warm-up + 120 s), throughput and p50/p95/p99 per page. LOAD_ARGS=--reuse keeps the seed.
LOAD_ARGS ?=
benchmark-load: install-test services
	$(PY) benchmarks/load.py $(LOAD_ARGS)
