# Gongkai: `make run` serves the demo on http://0.0.0.0:8000, `make test` runs the whole suite.
# Both set up everything first: the Debian packages, .venv and the Python requirements.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.requirements-installed
PYTEST_ARGS ?=
# The suite runs in parallel processes (pytest-xdist) that take the tests in pytest-django's order
# (transactional tests, which flush the data migrations' rows, last); TEST_WORKERS=0: one process.
TEST_WORKERS ?= auto
PORT ?= 8000

.PHONY: setup debian-packages run test worker beat bench

setup: debian-packages $(INSTALLED)

debian-packages:
	bash .ci/install-debian-packages

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstalled whenever a requirements file changes.
$(INSTALLED): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Served on all interfaces, so in DEBUG any host name is accepted unless ALLOWED_HOSTS says otherwise.
run: setup
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 ALLOWED_HOSTS="$${ALLOWED_HOSTS:-*}" $(PY) manage.py runserver 0.0.0.0:$(PORT)

test: setup
	$(PY) -m pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist load) $(PYTEST_ARGS)

# Needs a broker: without CELERY_BROKER_URL, the web process runs tasks itself and no worker is needed.
worker: setup
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) for the worker and the web process." >&2; exit 2; }
	$(VENV)/bin/celery -A config worker --loglevel=INFO

# The periodic sweep of background jobs (re-send lost messages, take over dead workers' jobs); one per site.
# Instead of it, cron may run `manage.py sweep_jobs` every minute (README: When the broker or a worker fails).
beat: setup
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) for celery beat." >&2; exit 2; }
	mkdir -p var && $(VENV)/bin/celery -A config beat --loglevel=INFO --schedule var/celerybeat-schedule

bench: setup
	$(PY) bench/run.py
