# The two set-up commands of the README. Each makes its own virtualenv and installs what it needs.
#   make bc5cdr   train the tutorial CRF on BC5CDR train, score it on BC5CDR test, write JSON
#   make test     run the test suite
PYTHON ?= python3
VENV ?= .venv
DATA_DIR ?= ../shared/data
BIN := $(VENV)/bin

.PHONY: bc5cdr test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed-main: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

# torch==2.13.0 first: the CPU build on this machine's disk (a bare torch requirement would pull a CUDA build)
$(VENV)/.installed-test: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test,transformer]'
	touch $@

bc5cdr: $(VENV)/.installed-main
	$(BIN)/crfner train bc5cdr --data-dir $(DATA_DIR) --out models/bc5cdr-tutorial --force
	$(BIN)/crfner evaluate models/bc5cdr-tutorial bc5cdr --split test --data-dir $(DATA_DIR) \
		--json results/bc5cdr-tutorial-test.json

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q
