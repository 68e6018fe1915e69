# make run   – migrate, load the demo marketplace, serve it (ASGI) on http://127.0.0.1:8000
# make test  – the whole suite on SQLite + in-memory layer and, side by side, on throwaway PostgreSQL + Redis
# make lint | make messages | make clean
#
# Every target first creates .venv from requirements.txt (python3.11 if present, else python3); a changed
# requirements.txt reinstalls it.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

BOOT_PYTHON := $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
MANAGE := $(PY) manage.py
# Folders that are not ours: never scan them for messages or locale folders.
IGNORE := --ignore=.venv --ignore=var --ignore=node_modules

.PHONY: help run test lint messages compilemessages clean

help:
	@sed -n 's/^# \{0,1\}//p' $(firstword $(MAKEFILE_LIST)) | sed -n '1,3p'

$(STAMP): requirements.txt
	@test -n "$(BOOT_PYTHON)" || { echo "Neither python3.11 nor python3 is on PATH." >&2; exit 1; }
	test -x $(PY) || $(BOOT_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# Compiles only our own catalogues (the walk skips .venv, so nothing is written into site-packages);
# with no locale folder yet there is nothing to compile, which is not an error.
compilemessages: $(STAMP)
	@if find . \( -path ./.venv -o -path ./var -o -path ./node_modules \) -prune -o -type d -name locale -print \
	    | grep -q .; then \
	  echo "$(MANAGE) compilemessages $(IGNORE)"; $(MANAGE) compilemessages $(IGNORE); \
	else echo "compilemessages: no locale/ folder yet, nothing to compile"; fi

run: $(STAMP) compilemessages
	$(MANAGE) migrate --no-input
	$(MANAGE) load_demo
	$(MANAGE) runserver 127.0.0.1:8000

test: $(STAMP) compilemessages
	$(PY) tests/run_suite.py $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

messages: $(STAMP)
	mkdir -p locale
	$(MANAGE) makemessages -l zh_Hans $(IGNORE)

# Generated files only: caches, compiled catalogues, and var/ (SQLite file, media, search index, collected static),
# all of which `make run` recreates. The virtualenv stays; `rm -rf .venv` to rebuild it.
clean:
	find . -path ./.venv -prune -o -type d \( -name __pycache__ -o -name .pytest_cache -o -name .ruff_cache \) \
	  -print -exec rm -rf {} +
	find . -path ./.venv -prune -o -type f -path '*/locale/*' -name '*.mo' -print -exec rm -f {} +
	rm -rf var
