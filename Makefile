# make run  : run the reference scenario (bootstraps .venv)
# make test : run the test suite (bootstraps .venv with the dev, app and ema extras)
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SCENARIO ?= scenarios/baseline_2014.yaml
PERSONS_PER_AGENT ?= 1
RUN_ARGS ?=
# pip's output level for the .venv install. -qq prints errors only: a single -q still prints pip's
# warnings, and a machine whose pip config lists local indexes (extra-index-url file:///...) gets one
# "WARNING: Location '...' is ignored" line per package missing from each of them (about 140 lines
# on the project's machine). `make venv INSTALL_QUIET=-q` shows pip's warnings, `INSTALL_QUIET=` everything.
INSTALL_QUIET ?= -qq

.PHONY: run test venv lint bench clean

# Find a Python >= 3.12: python3.12, then pyenv's 3.12.1 shim, then python3 / python.
define find_python
for c in "python3.12" "PYENV_VERSION=3.12.1 python3.12" "python3.13" "PYENV_VERSION=3.13.0 python3.13" "python3" "python"; do \
  if env $$c -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then echo "$$c"; break; fi; \
done
endef

$(VENV)/.installed: pyproject.toml
	@PYBIN="$$($(find_python))"; \
	if [ -z "$$PYBIN" ]; then \
	  echo "error: routesim needs Python >= 3.12 (Mesa 3.5). Tried python3.12, PYENV_VERSION=3.12.1 python3.12, python3.13, PYENV_VERSION=3.13.0 python3.13, python3, python." >&2; \
	  echo "Install Python 3.12 or newer, or select it with pyenv, then run make again." >&2; exit 2; fi; \
	if [ ! -x $(PY) ]; then echo "creating $(VENV) with $$PYBIN"; env $$PYBIN -m venv $(VENV); fi; \
	echo "installing routesim and its dev, app and ema extras into $(VENV) with pip install $(INSTALL_QUIET) (-qq: errors only; a few minutes the first time)"; \
	$(PY) -m pip install $(INSTALL_QUIET) --upgrade pip >/dev/null && \
	$(PY) -m pip install $(INSTALL_QUIET) -e ".[dev,app,ema]" && touch $@

venv: $(VENV)/.installed

run: venv
	$(VENV)/bin/routesim run $(SCENARIO) --persons-per-agent $(PERSONS_PER_AGENT) $(RUN_ARGS)

test: venv
	$(PY) -m pytest -n 2 -q

lint: venv
	$(VENV)/bin/ruff check .

bench: venv
	$(PY) benchmarks/bench_model.py

clean:
	rm -rf $(VENV) build *.egg-info
