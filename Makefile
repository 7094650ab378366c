# The two set-up commands of the README. Each makes its own virtualenv and installs what it needs.
#   make bc5cdr   train the tutorial CRF on BC5CDR train, score it on BC5CDR test, write JSON
#   make test     run the test suite
PYTHON ?= python3
VENV ?= .venv
# torch for the test extra: the CPU build (a bare torch requirement pulls a CUDA build of several GB on Linux)
TORCH_VERSION ?= 2.13.0
TORCH_CPU_INDEX ?= https://download.pytorch.org/whl/cpu
DATA_DIR ?= ../shared/data
BIN := $(VENV)/bin

.PHONY: bc5cdr test

$(BIN)/python:
	@echo "== creating the virtualenv $(VENV) (then: . $(VENV)/bin/activate, or run $(BIN)/crfner)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

$(VENV)/.installed-main: $(BIN)/python setup.cfg pyproject.toml
	@echo "== installing crfner and what it needs (about 0.7 GB, a few minutes)"
	$(BIN)/pip install -e .
	touch $@

# The test extra makes the virtualenv about 2.3 GB (torch's CPU build 0.85 GB of it with sympy and networkx, a 190 MB download);
# installing it and running the suite took about 14 minutes on a 2-core machine (f500ed5: 817 s, 1,615 tests).
# torch first, the CPU build: torch==X+cpu from PyTorch's CPU index, or, where that index cannot be
# reached (as on the machine this was written on), a wheel of that name in pip's own indexes and
# find-links; where no +cpu build exists (macOS), PyPI's torch==X, a CPU build there. The index is
# probed once (5 s) so that pip does not retry it for every dependency.
$(VENV)/.installed-test: $(BIN)/python setup.cfg pyproject.toml
	@echo "== installing torch $(TORCH_VERSION), CPU build (190 MB download, 0.85 GB installed with sympy and networkx)"
	if $(BIN)/python -c "import urllib.request; urllib.request.urlopen('$(TORCH_CPU_INDEX)/', timeout=5)" 2>/dev/null; \
	then extra="--extra-index-url $(TORCH_CPU_INDEX)"; \
	else extra=""; echo "== $(TORCH_CPU_INDEX) cannot be reached: looking for torch==$(TORCH_VERSION)+cpu in pip's indexes and find-links"; fi; \
	$(BIN)/pip install "torch==$(TORCH_VERSION)+cpu" $$extra || { \
		echo "== no CPU build torch==$(TORCH_VERSION)+cpu found; installing PyPI's torch==$(TORCH_VERSION) (on Linux a CUDA build of several GB)"; \
		$(BIN)/pip install "torch==$(TORCH_VERSION)"; }
	@echo "== installing crfner with the test and transformer extras (about 0.7 GB more: transformers, spaCy, playwright, dask, MiniLM)"
	$(BIN)/pip install -e '.[test,transformer]'
	touch $@

bc5cdr: $(VENV)/.installed-main
	$(BIN)/crfner train bc5cdr --data-dir $(DATA_DIR) --out models/bc5cdr-tutorial --force
	$(BIN)/crfner evaluate models/bc5cdr-tutorial bc5cdr --split test --data-dir $(DATA_DIR) \
		--json results/bc5cdr-tutorial-test.json

# The suite runs on up to PYTEST_WORKERS processes (pytest-xdist), one per core: on 2 cores, 9 min 36 s against
# 15 min 40 s on one process (63249ee, one after the other).
PYTEST_WORKERS ?= 4

test: $(VENV)/.installed-test
	@echo "== running the test suite on one process per core, at most $(PYTEST_WORKERS) (several minutes)"
	$(BIN)/python -m pytest -q -n auto --maxprocesses $(PYTEST_WORKERS)
