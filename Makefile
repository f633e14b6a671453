# Two commands on a fresh machine: `make run` (sample pipeline) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run test bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip wheel setuptools
	$(PY) -m pip install -q -e '.[test,megatron,hf]'
	touch $(STAMP)

run: setup
	$(VENV)/bin/curation ingest --out out

test: setup
	$(PY) -m pytest -q

clean:
	rm -rf out .pytest_cache
