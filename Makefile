# Practica: `make run` serves the demo, `make test` runs every check. Targets are idempotent.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
export PRACTICA_HOME := $(CURDIR)

.PHONY: run test lint bench install install-dev install-semantic clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

$(VENV)/.installed-semantic: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev,semantic]"
	touch $(VENV)/.installed $(VENV)/.installed-dev $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
# The optional semantic search extra (about 6 GB with PyTorch); CI installs it before `make test`.
install-semantic: $(VENV)/.installed-semantic

run: install
	$(BIN)/practica migrate --quiet
	$(BIN)/practica demo
	@echo "\nPractica is at http://$(HOST):$(PORT)/  (Ctrl+C stops it)\n"
	$(BIN)/practica serve --host $(HOST) --port $(PORT)

test: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	PRACTICA_VAR_DIR=$(CURDIR)/var/test $(BIN)/practica manage makemigrations --check --dry-run
	$(BIN)/python tests/run.py

lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src

bench: install-dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var
