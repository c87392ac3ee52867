# Two entry points for a fresh machine: `make run` (install, corpus, index, app) and `make test` (what CI runs);
# `make test-fast` runs the unit tests only (no corpus, no model, no browser, no subprocess), in under a minute.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: install corpus index run test test-fast lint bench eval browser clean-index audit

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# The documents are read in place: corpus/ when it holds files, else ../shared/corpus; EIG_QA_CORPUS wins.
corpus: install
	@$(PY) -c 'from eig_qa.config import load_settings; print("Corpus :", load_settings().corpus_dir)'

index: install corpus
	$(PY) -m eig_qa index

run: index
	$(VENV)/bin/streamlit run streamlit_app.py --server.port $(PORT) --server.headless true

# Debian's Chromium for the end-to-end browser test (no browser download from a test tool),
# and axe-core from the npm registry, injected into the page to check accessibility.
browser: node_modules/.installed
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

test: install corpus browser
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

FAST_TIER := not real and not corpus and not browser and not slow and not load

test-fast: install
	$(PY) -m pytest -q -m "$(FAST_TIER)"

lint: install
	$(VENV)/bin/ruff check .

eval: index
	$(PY) -m eig_qa eval ../shared/eval/questions.jsonl ../shared/eval/figures.jsonl

bench: index
	$(PY) -m eig_qa bench

# Known vulnerabilities of requirements.txt, with pip-audit installed in an environment of its own (never in
# requirements.txt nor in .venv). Without network it says the audit was not done and does not fail the build.
AUDIT_VENV := .venv-audit

audit:
	@test -x $(AUDIT_VENV)/bin/pip-audit || { $(PYTHON) -m venv $(AUDIT_VENV) && \
	  $(AUDIT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check pip-audit; } || { \
	  echo "Audit des dépendances NON EFFECTUÉ : pip-audit n'a pas pu être installé (pas de réseau ?)."; exit 0; }
	$(AUDIT_VENV)/bin/python tools/audit.py requirements.txt

clean-index:
	rm -rf index/build-* index/.build-* index/CURRENT
