# Two commands do all set-up on a fresh machine:
#   make run    installs the pinned runtime into .venv and starts the app
#   make test   installs the dev tools (and Debian's chromium, nginx and nodejs for the tests), runs ruff, the
#               player's JavaScript tests (node --test) and pytest
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test lint bench chromium clean

run: $(VENV)/.runtime
	$(PY) -m streamlit run app.py --server.port $(PORT) --browser.gatherUsageStats false

test: $(VENV)/.dev chromium
	$(VENV)/bin/ruff check .
	node --test tests/js/
	$(PY) -m pytest $(PYTEST_ARGS)

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
