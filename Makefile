# Two commands do all set-up on a fresh machine:
#   make run    installs the pinned runtime into .venv and starts the app
#   make test   installs the dev tools (and Debian's chromium, nginx and nodejs for the tests), runs ruff, the
#               player's JavaScript tests (node --test) and pytest
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test fuzz lint bench chromium clean

run: $(VENV)/.runtime
	$(PY) -m streamlit run app.py --server.port $(PORT) --browser.gatherUsageStats false

# Two workers (pytest-xdist): the tests that start servers and drive chromium keep to one of them
# (one server, one browser), the pure tests take the other. Property tests draw the same examples
# every run (tests/conftest.py).
test: $(VENV)/.dev chromium
	$(VENV)/bin/ruff check .
	node --test tests/js/
	$(PY) -m pytest -n 2 --dist loadgroup --durations=15 $(PYTEST_ARGS)

# Before a release: the property tests with 20 times the examples, drawn anew from a seed that is
# printed; a failure is replayed with `make fuzz FUZZ_SEED=<the seed>`.
ifndef FUZZ_SEED
FUZZ_SEED := $(shell od -An -N4 -tu4 /dev/urandom | tr -d ' ')
endif
fuzz: $(VENV)/.dev
	@echo "fuzzing with seed $(FUZZ_SEED) (replay: make fuzz FUZZ_SEED=$(FUZZ_SEED))"
	HYPOTHESIS_PROFILE=fuzz FUZZ_SCALE=20 $(PY) -m pytest -q -p no:cacheprovider --hypothesis-seed=$(FUZZ_SEED) \
	  tests/test_fuzz_links.py tests/test_experiment.py tests/test_formula.py tests/test_run.py $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

bench: $(VENV)/.dev chromium
	$(PY) -m benchmarks $(BENCH_ARGS)

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# The browser tests drive Debian's chromium through Playwright; Playwright never downloads a browser.
# nginx is for the load test through deploy/run.sh (tests/test_load.py); nodejs runs the player's JavaScript
# tests (tests/js/, Node's built-in runner); one apt-get call for all three.
chromium:
	@{ command -v chromium && command -v node && { command -v nginx || test -x /usr/sbin/nginx; }; } >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium nginx nodejs >/dev/null; }

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build *.egg-info
