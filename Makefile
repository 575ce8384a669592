# CareSignal: `make demo` sets up and runs the whole job on embedded defaults; `make test` sets up and
# runs the tests. Setup is idempotent: each step is a stamp file that is rebuilt only when its inputs change.
SHELL := /bin/sh
PY := .venv/bin/python
UV := .venv/bin/uv
VENV_STAMP := .venv/.installed
NODE_STAMP := node_modules/.installed
SYS_STAMP := .venv/.system-packages
PORT ?= 8000
DEMO_DIR ?= data/demo
DEMO_DB ?= data/demo/caresignal.db

.PHONY: setup demo test bench clean

setup: $(VENV_STAMP) $(NODE_STAMP)

$(VENV_STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	test -x $(UV) || $(PY) -m pip install --quiet uv==0.13.9
	$(UV) pip install --quiet --python $(PY) -e '.[dev,spark]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages the tests need: Chromium for the browser tests, poppler for PDF checks, a Java runtime
# for the Spark engine. Installed only when missing (CI runs as root on a clean machine).
$(SYS_STAMP): $(VENV_STAMP)
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium chromium-driver"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing </dev/null >/dev/null; \
	fi
	touch $@

demo: setup
	.venv/bin/caresignal demo --out $(DEMO_DIR) --database sqlite:///$(DEMO_DB) --port $(PORT)

test: setup $(SYS_STAMP)
	.venv/bin/pytest -q

bench: setup
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf .venv node_modules data .pytest_cache
