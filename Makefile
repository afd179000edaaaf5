# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_PASSWORD ?= liuhe-demo-2026
HOST ?= 127.0.0.1:8000

.PHONY: run test lint setup

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed

run: setup
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_demo --password $(DEMO_PASSWORD)
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST)

test: setup
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check .
