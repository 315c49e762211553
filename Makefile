# 车主CRM — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
STAMP := .venv/.installed

.PHONY: run test lint bench install browser clean

$(STAMP): requirements.lock
	@test -x $(PY) || python3 -m venv .venv
	@$(PY) -m pip install -q --upgrade pip >/dev/null
	$(PY) -m pip install -q --require-hashes -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)

# Debian's Chromium drives the browser tests (never `playwright install`: no download here).
browser:
	@{ command -v chromium >/dev/null && test -d /usr/share/fonts/opentype/noto; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; fi; }

run: $(STAMP)
	$(PY) bin/dev.py run

test: $(STAMP) browser
	DEV_DATABASE=chezhu_testhost $(PY) bin/dev.py exec -- $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	.venv/bin/ruff check .
	.venv/bin/mypy .
	.venv/bin/bandit -c pyproject.toml -r config tenants crm hq billing -ll -q
	# Known vulnerabilities in the locked dependencies (PyPI's advisory data). Where PyPI's JSON API is not
	# reachable every package is listed as "could not be audited" and the step passes: set
	# PIP_AUDIT_FLAGS=--strict on a machine with access to make that a failure.
	.venv/bin/pip-audit -r requirements.lock --vulnerability-service pypi --require-hashes --disable-pip $(PIP_AUDIT_FLAGS)

bench: $(STAMP)
	DEV_DATABASE=chezhu_bench $(PY) bin/dev.py exec -- $(PY) -m benchmarks $(NAME)

clean:
	rm -rf .venv .data staticfiles
