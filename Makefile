# Development tasks. On a machine with only Python 3.11+: `make run` (or `make test`) builds .venv,
# starts the embedded PostgreSQL and Redis under var/ (unless DATABASE_URL / REDIS_URL are set),
# and goes. `make stop` stops the embedded servers; `make clean` also deletes var/ and .venv.

PORT ?= 8000
PYTHON ?= python3
PYTEST_ARGS ?=
# make bench: data scales to seed and measure (fractions allowed: SCALES=0.01 for a quick run) and timed requests per page.
SCALES ?= 1 10
REPEAT ?= 30

VENV := .venv
BIN := $(VENV)/bin
# Rebuilt only when a requirements file changes; lives inside .venv so deleting .venv resets it.
STAMP := $(VENV)/.requirements.stamp

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.DEFAULT_GOAL := help
.PHONY: help venv lock lint typecheck services stop status run serve test migrate check clean bench-audit bench-notifications bench bench-retention measure-notification-faults

help:
	@echo "make run [PORT=8000]   venv + services + migrate + demo data + web/worker/beat (Ctrl-C stops)"
	@echo "make serve [PORT=8000]   production settings on loopback: gunicorn + worker + one beat, own database and throwaway keys"
	@echo "make test [PYTEST_ARGS=...]   run the test suite against the embedded services"
	@echo "make services | stop | status   manage the embedded PostgreSQL and Redis under var/"
	@echo "make bench-notifications [BENCH_ARGS=--jobs 300]   notifications/s through one worker vs a no-op task"
	@echo "make measure-notification-faults   200 jobs under each provider/worker fault: lost, twice, untrue, uncertain (~15 min)"
	@echo "make migrate | check | venv | clean"
	@echo "make lint   ruff, then mypy (make typecheck): what .ci/run runs before the tests"
	@echo "make typecheck   mypy with django-stubs over the application code (mypy.ini); needs no services"
	@echo "make lock   re-resolve requirements*.in into the hash-locked requirements*.txt (uv)"
	@echo "make bench-reports [BENCH_ARGS=--services 100000]   report pages' server time on a generated large shop"
	@echo "make bench-audit [BENCH_ARGS=...]   cost of the audit trigger: service updates with/without it, as a ratio"
	@echo "make bench [SCALES=\"1 10\"] [REPEAT=30]   seed scale-N databases (reused), time every page, write docs/benchmarks.md"
	@echo "make bench-retention [BENCH_ARGS=\"--scale 1\"]   retention on the scale-1 bench database by DELETE vs by dropping months, as a ratio"

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "error: $(PYTHON) is missing or older than 3.11; run with PYTHON=/path/to/python3.11" >&2; exit 1; }
	@if [ ! -x $(BIN)/python ] || ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
	  rm -rf $(VENV); \
	  echo "creating $(VENV) with $$($(PYTHON) -c 'import sys; print(sys.executable)')"; \
	  $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	    echo "error: '$(PYTHON) -m venv' failed; on Debian/Ubuntu install python3-venv (apt-get install python3-venv)" >&2; exit 1; }; \
	fi
	@# The lock (hashes included): pip refuses any file whose hash differs from the one recorded.
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.txt
	@touch $(STAMP)

# requirements.in / requirements-dev.in -> requirements.txt / requirements-dev.txt: every transitive
# dependency pinned with its hashes, resolved for every platform and Python from 3.11 (uv --universal).
lock: venv
	$(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes requirements.in -o requirements.txt
	$(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes requirements-dev.in -o requirements-dev.txt

lint: venv
	$(BIN)/ruff check .
	@$(MAKE) --no-print-directory typecheck

# mypy.ini says what is checked and how strictly (full hints on services, selectors and tasks). The
# django-stubs plugin imports concierge.settings.typecheck, which fills in placeholder DATABASE_URL /
# REDIS_URL when they are unset: nothing is connected to, so no services need to be running.
typecheck: venv
	$(BIN)/mypy

services: venv
	@$(BIN)/python -m concierge.localservices start

stop:
	@if [ -x $(BIN)/python ]; then $(BIN)/python -m concierge.localservices stop; \
	else echo "no $(VENV): nothing to stop (run 'make venv' first if servers are still running)"; fi

status: venv
	@$(BIN)/python -m concierge.localservices status

migrate: services
	$(BIN)/python manage.py migrate --noinput

check: services
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# `make run` is development: every step below (preflight, migrate, seed_demo, web, worker, beat) uses the
# local settings unless DJANGO_SETTINGS_MODULE says otherwise. Importing the `concierge` package loads
# the Celery app, which defaults to production, so the default must be set before any step starts.
run: export DJANGO_SETTINGS_MODULE ?= concierge.settings.local
run: services
	@$(BIN)/python -m concierge.preflight --port $(PORT)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py ensure_superuser
	@echo "starting web (http://127.0.0.1:$(PORT)/admin/), worker and beat; Ctrl-C stops them all"
	@# -e /dev/null: the settings read .env themselves, with the environment taking precedence.
	@# DEV_SERVER_URL: links sent to clients (sign-in, status) point at the port served, from web and worker alike.
	DEV_SERVER_URL=http://127.0.0.1:$(PORT) $(BIN)/honcho start -f Procfile -e /dev/null -p $(PORT)

serve: services
	@# Production settings, gunicorn, worker and one beat on 127.0.0.1 (concierge/serve.py); Ctrl-C stops them.
	$(BIN)/python -m concierge.serve --port $(PORT)

test: services
	$(BIN)/pytest $(PYTEST_ARGS)

bench-audit: migrate
	$(BIN)/python bench/audit_triggers.py $(BENCH_ARGS)

bench: services
	$(BIN)/python -m bench.run --scales "$(SCALES)" --repeat $(REPEAT)

bench-retention: services
	$(BIN)/python -m bench.retention $(BENCH_ARGS)

clean: stop
	@# Without .venv, `stop` cannot run: end any servers left by their pid files before deleting their data.
	@pid=$$(head -n1 var/postgres/postmaster.pid 2>/dev/null); \
	if [ -n "$$pid" ] && grep -qx postgres /proc/$$pid/comm 2>/dev/null; then kill -INT $$pid; sleep 2; fi
	@pid=$$(cat var/redis/redis.pid 2>/dev/null); \
	if [ -n "$$pid" ] && grep -q redis /proc/$$pid/comm 2>/dev/null; then kill -TERM $$pid; sleep 1; fi
	rm -rf var $(VENV)

.PHONY: bench-reports
# Report pages on a generated large shop (inside a rolled-back transaction): median server time,
# query count and ratio to a minimal admin page measured in the same run. BENCH_ARGS="--services 100000".
bench-reports: migrate
	$(BIN)/python manage.py bench_reports $(BENCH_ARGS)

bench-notifications: services
	@# One worker, console backends, a throwaway database and Redis: notifications/s vs no-op tasks/s.
	$(BIN)/python bench/notifications.py $(BENCH_ARGS)

measure-notification-faults: services
	@# The fault tests (real worker and beat, fake Africa's Talking): each prints its FAULT FIGURES line
	@# and fails if a text went out twice or a row disagrees with the provider. Bounded: each waits at
	@# most 5 minutes. The worker logs go to stderr, left out here.
	$(BIN)/pytest notifications/tests/test_fault_tolerance.py -q -s 2>/dev/null
