# Two commands for a newcomer:  `make run` (set up, then check the sample statements)
# and `make test` (set up, then run the whole test suite). `.ci/run` calls `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: setup run test lint bench browser clean

setup: $(VENV)/.installed

# Checking needs no torch: the package alone (ONNX Runtime, tokenizers, spaCy).
$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

# Tests also train, export and compare with PyTorch: the `train` and `dev` extras, torch first,
# from the machine's local CPU wheel (an unpinned torch would pull gigabytes of CUDA packages).
$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[train,dev]'
	touch $@

run: setup
	$(VENV)/bin/cdcheck check --fail-on never fixtures/

# Headless Chromium and its driver for the browser test (Debian packages), if not present.
browser:
	@command -v chromedriver >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "install Debian's chromium and chromium-driver for the browser test"; exit 1; fi; }

test: $(VENV)/.installed-dev browser
	$(PY) -m pytest -q -p no:cacheprovider

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check src tests bench scripts

bench: $(VENV)/.installed-dev
	$(PY) bench/bench_mentions.py
	$(PY) bench/bench_check.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
