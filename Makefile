# 车主CRM — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
STAMP := .venv/.installed

.PHONY: run test test-at test-citus lint bench bench-smoke install browser clean

$(STAMP): requirements.lock
	@test -x $(PY) || python3 -m venv .venv
	@$(PY) -m pip install -q --upgrade pip >/dev/null
	$(PY) -m pip install -q --require-hashes -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)

# Debian's Chromium drives the browser tests (never `playwright install`: no download here).
# Debian's nginx serves the deploy smoke test (tests/ops/test_deploy_smoke.py); it is not started as a service.
browser:
	@{ command -v chromium >/dev/null && command -v faketime >/dev/null && test -d /usr/share/fonts/opentype/noto && test -x /usr/sbin/nginx; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk faketime nginx >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk faketime nginx >/dev/null; fi; }

run: $(STAMP)
	$(PY) bin/dev.py run

test: $(STAMP) browser
	DEV_DATABASE=chezhu_testhost $(PY) bin/dev.py exec -- $(PY) -m pytest $(PYTEST_ARGS)

# The whole suite with the machine's clock moved (libfaketime, for every process: PostgreSQL, Redis,
# workers, the browser): make test-at WHEN="2027-04-30 23:30 +08:00". Proves no test reads the wall clock.
test-at: $(STAMP) browser
	@test -n "$(WHEN)" || { echo 'usage: make test-at WHEN="2027-04-30 23:30 +08:00"'; exit 2; }
	@offset=$$(( $$(date -d "$(WHEN)" +%s) - $$(date +%s) )); sign=$$([ $$offset -ge 0 ] && echo +); \
	  echo "clock moved to $$(TZ=Asia/Shanghai date -d "$(WHEN)" '+%F %T %Z') (offset $$sign$$offset s)"; \
	  DEV_DATABASE=chezhu_testclock faketime -f "$$sign$$offset" $(PY) bin/dev.py exec -- $(PY) -m pytest $(PYTEST_ARGS)

# The tests that touch what Citus changes (tenancy and isolation, onboarding, the cadence and its outbox, the
# SQL rules) against a Citus cluster built outside the repository: CITUS_DATABASE_URL names a coordinator
# database prepared as deploy/scale-out.md says. PYTEST_ARGS=tests runs the whole suite there instead.
CITUS_TESTS := tests/tenants/test_onboarding.py tests/tenants/test_guard.py tests/test_isolation.py \
  tests/crm/cadence/test_citus_ready.py tests/crm/cadence/test_engine.py tests/crm/cadence/test_outbox.py \
  tests/ops/test_tenant_sql.py
test-citus: $(STAMP)
	@test -n "$(CITUS_DATABASE_URL)" || { echo 'set CITUS_DATABASE_URL=postgres://USER@HOST:PORT/test_NAME (a Citus coordinator, see deploy/scale-out.md)'; exit 2; }
	CITUS_DATABASE_URL="$(CITUS_DATABASE_URL)" DATABASE_URL="$(CITUS_DATABASE_URL)" $(PY) bin/dev.py exec -- $(PY) -m pytest $(or $(PYTEST_ARGS),$(CITUS_TESTS))

lint: $(STAMP)
	.venv/bin/ruff check .
	.venv/bin/mypy .
	.venv/bin/lint-imports  # .importlinter: layers run one way, no new import cycle
	.venv/bin/bandit -c pyproject.toml -r config tenants crm hq billing -ll -q
	# Known vulnerabilities in the locked dependencies (PyPI's advisory data). Where PyPI's JSON API is not
	# reachable every package is listed as "could not be audited" and the step passes: set
	# PIP_AUDIT_FLAGS=--strict on a machine with access to make that a failure.
	.venv/bin/pip-audit -r requirements.lock --vulnerability-service pypi --require-hashes --disable-pip $(PIP_AUDIT_FLAGS)

bench: $(STAMP)
	DEV_DATABASE=chezhu_bench $(PY) bin/dev.py exec -- $(PY) -m benchmarks $(NAME)

# Every benchmark at tiny sizes in its own database (CI runs this after the tests: a broken benchmark fails).
bench-smoke: $(STAMP)
	DEV_DATABASE=chezhu_bench_smoke BENCH_SMOKE=1 $(PY) bin/dev.py exec -- $(PY) -m benchmarks $(NAME)

clean:
	rm -rf .venv .data staticfiles
