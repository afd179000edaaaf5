# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_PASSWORD ?= liuhe-demo-2026
HOST ?= 127.0.0.1:8000

.PHONY: run test lint setup assets

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

# Apache ECharts from npm, served from our own static files (no asset from the internet).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm 未安装：结果看板的图表将不可用（apt-get install npm）"; fi

assets: node_modules/.installed

setup: $(VENV)/.installed assets

# The task worker builds large Excel exports and sends the daily 到期提醒 in the background; it stops with the server.
run: setup
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_demo --password $(DEMO_PASSWORD)
	DJANGO_DEBUG=1 $(PY) manage.py send_reminders
	DJANGO_DEBUG=1 $(PY) manage.py schedule_reminders
	DJANGO_DEBUG=1 $(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST)

test: setup
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check .
