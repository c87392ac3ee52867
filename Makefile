# Two entry points for a fresh machine: `make run` (install, corpus, index, app) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SHARED_CORPUS ?= ../shared/corpus
PORT ?= 8501

.PHONY: install corpus index run test lint bench eval browser clean-index audit

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# The documents are copied (git-ignored) from ../shared/corpus when it exists; EIG_QA_CORPUS points elsewhere.
corpus:
	@if [ -n "$$EIG_QA_CORPUS" ]; then echo "Corpus : $$EIG_QA_CORPUS (EIG_QA_CORPUS)"; \
	elif [ -d "$(SHARED_CORPUS)" ]; then cp -a "$(SHARED_CORPUS)/." corpus/ && echo "Corpus copié depuis $(SHARED_CORPUS) dans corpus/"; \
	elif [ -z "$$(ls -A corpus | grep -v '^.gitignore$$')" ]; then \
	  echo "Le dossier corpus/ est vide : copiez-y des documents (PDF, Markdown, texte) ou définissez EIG_QA_CORPUS."; exit 1; fi

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
