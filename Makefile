# Two entry points: `make run` and `make test`. Everything else is what they need.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
APT_TEST_PACKAGES := chromium postgresql dovecot-imapd redis-server
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-test vendor translations apt-test lint bench clean-instance

run: install vendor translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@echo ""
	@echo "Hana is starting on http://$(HOST):$(PORT)  (Ctrl-C stops the web app and the worker)"
	@$(FLASK) demo-logins
	@trap 'kill 0' INT TERM EXIT; \
	  $(FLASK) worker & \
	  $(BIN)/gunicorn --config portal/gunicorn_conf.py --bind $(HOST):$(PORT) 'portal:create_app()'

test: apt-test install-test vendor translations
	$(BIN)/ruff check portal tests bench
	$(BIN)/pytest -p no:cacheprovider tests
	$(BIN)/pytest -p no:cacheprovider --db=postgresql -m "not browser" tests

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Front-end packages come from the npm registry at set-up and are served by the app (never from a CDN).
static/vendor/.stamp: package.json package-lock.json scripts/vendor.sh
	npm ci --no-audit --no-fund --loglevel=error
	bash scripts/vendor.sh
	touch $@

vendor: static/vendor/.stamp

translations: $(VENV)/.installed
	@for d in $$(find portal -type d -name translations); do \
	  $(BIN)/pybabel compile -f --statistics -d $$d || exit 1; \
	done

# Debian packages the tests start for real: Chromium, PostgreSQL, Dovecot, Redis (skips what is installed).
apt-test:
	@missing=""; for p in $(APT_TEST_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing </dev/null; \
	fi

lint: install-test
	$(BIN)/ruff check portal tests bench
	$(BIN)/ruff format --check portal tests bench

bench: install-test
	@echo "see bench/README.md"

clean-instance:
	rm -rf instance/*
