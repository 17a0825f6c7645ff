# gonghui — the two commands a new machine needs: `make demo` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PYTHON  := $(BIN)/python
MANAGE  := $(PYTHON) manage.py
# Debian packages: Chromium for browser tests, Noto CJK for charts/PDFs, pango for WeasyPrint.
APT_PACKAGES := chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
# Only for `make bench`: wrk generates load on loopback for the online-joining benchmark.
BENCH_APT_PACKAGES := wrk
# Only for `make cluster` (issue 17): pg_auto_failover and pgbouncer for the province cluster on loopback.
CLUSTER_APT_PACKAGES := postgresql-15 postgresql-15-auto-failover pgbouncer
export PYTHONUNBUFFERED := 1
# The settings default to production (GONGHUI_DEBUG=0: every key from the environment, no wildcard host).
# The demo and the dev server run in debug mode, which generates their keys once in var/; `make test`'s
# checks do too (pytest itself uses tests/settings.py, production settings with test-only keys).
LOCAL   := GONGHUI_DEBUG=1

.PHONY: install system-deps bench-deps cluster-deps cluster cluster-stop cluster-destroy test-cluster apt-install demo serve test lint typecheck format bench bench-quick bench-annual pg-tune audit-deps clean backup-deps backup-drill national-demo national-stop test-national

$(VENV)/.installed: requirements.txt
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(VENV)/.installed node_modules/.installed

system-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES)"

bench-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(BENCH_APT_PACKAGES)"

cluster-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(CLUSTER_APT_PACKAGES)"

# The province cluster on loopback (issue 17; README 「集群运维」): pg_auto_failover monitor on 55432, nodes
# on 55433/55434, pgbouncer on 55443/55444, data in var/cluster/. `make cluster` creates or restarts it and
# migrates the application's database; `make cluster-stop` stops it (data kept); `make cluster-destroy`
# removes var/cluster/ too.
CLUSTER := deploy/cluster/cluster.sh
cluster: install cluster-deps
	$(CLUSTER) start
	env $$($(CLUSTER) env) $(LOCAL) $(MANAGE) migrate --noinput

cluster-stop:
	$(CLUSTER) stop

cluster-destroy:
	$(CLUSTER) destroy

# The cluster tests (tests/cluster: replica routing, lag fallback, failover during an import, joining
# across a failover) on a running cluster; they refuse to run without one. Not part of `make test`: the
# normal suite never collects tests/cluster. --reuse-db: the test database is migrated once per cluster.
test-cluster: install
	$(CLUSTER) check
	env $$($(CLUSTER) env) $(BIN)/pytest -p no:cacheprovider --reuse-db tests/cluster $(PYTEST_ARGS)

apt-install:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

demo: export GONGHUI_DEBUG = 1
demo: install system-deps
	$(MANAGE) migrate --noinput
	$(MANAGE) load_regions --province 34
	$(MANAGE) load_demo --if-missing
	@echo "演示系统: http://127.0.0.1:8000  (账号见 README，密码 gonghui-demo)"
	@# The background worker (imports, exports, the daily scheduled tasks) runs beside the web server and
	@# stops with it; schedule_tasks queues the first run of each daily task (idempotent).
	$(MANAGE) schedule_tasks
	$(MANAGE) worker --interval 0.5 & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:8000

serve: install
	$(LOCAL) $(MANAGE) runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pip check

# Known vulnerabilities of the pinned requirements (pip-audit asks PyPI's JSON API / OSV). It needs that
# service, so it is not part of `make test` or CI, whose result must not depend on the network: run it
# where the service is reachable. Exit status: 0 none found, 1 vulnerabilities found or the service could
# not be asked (the message says which).
audit-deps: install
	@log=$$(mktemp); trap 'rm -f "$$log"' EXIT; \
	$(BIN)/pip-audit -r requirements.txt --strict --progress-spinner off >"$$log" 2>&1; \
	status=$$?; cat "$$log"; \
	if [ $$status -ne 0 ] && grep -qiE "not found on PyPI|could not be audited|ConnectionError|Max retries|Failed to resolve|timed? ?out|HTTPError" "$$log"; then \
	  echo "依赖漏洞检查未能完成：未能从漏洞数据库（PyPI 的按版本 JSON 接口或 OSV）取得依赖的信息，通常是无法联网"; \
	  echo "或镜像不提供该接口所致。这既不代表依赖有漏洞，也不代表没有漏洞；请在能访问 https://pypi.org 或"; \
	  echo "https://api.osv.dev 的机器上（或配置好漏洞数据库镜像后）重新运行 make audit-deps。"; \
	elif [ $$status -ne 0 ]; then \
	  echo "依赖漏洞检查发现问题（见上方 pip-audit 输出）：请升级列出的依赖并更新 requirements.txt 中的版本。"; \
	else \
	  echo "依赖漏洞检查通过：requirements.txt 中的依赖没有已知漏洞。"; \
	fi; \
	exit $$status

# mypy over the services and the import engine (the paths are in pyproject.toml's [tool.mypy]).
typecheck: install
	$(LOCAL) $(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The suite runs on two workers (pytest-xdist, a test file per worker; ≈ 6 min on PostgreSQL instead of
# ≈ 20 on this 2-core machine). Transactional tests flush the tables; the reference rows the migrations
# seed come back through post_migrate (core.reference), so the order of files on a worker does not matter.
# PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= 2
test: install system-deps lint typecheck
	$(LOCAL) $(MANAGE) check
	$(LOCAL) $(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The server settings of deploy/postgresql/tune.sql (the figures in the README were measured with them);
# restarts the local PostgreSQL only when a setting that needs it (shared_buffers) changed.
PG_HOST ?= 127.0.0.1
pg-tune:
	psql -h $(PG_HOST) -U postgres -q -v ON_ERROR_STOP=1 -f deploy/postgresql/tune.sql >/dev/null
	@if [ "$$(psql -h $(PG_HOST) -U postgres -tAc 'SELECT count(*) FROM pg_settings WHERE pending_restart')" != "0" ]; then \
	  echo "重启 PostgreSQL 以应用 shared_buffers 等设置"; \
	  pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -1)" main restart; \
	  for _ in $$(seq 1 30); do pg_isready -h $(PG_HOST) -q && break; sleep 1; done; \
	fi

# cluster-deps: bench/pool.py starts a cluster of its own (deploy/cluster, base port 58432, var/bench-cluster).
bench: install system-deps bench-deps cluster-deps pg-tune
	$(LOCAL) $(PYTHON) -m bench $(BENCH_ARGS)

# Every bench at --quick size (CI: no benchmark rots; figures not judged), on throwaway databases: each
# bench database gets BENCH_QUICK_SUFFIX (GONGHUI_BENCH_DB_SUFFIX; the import bench's is DATABASE_URL's) and
# all of them are dropped afterwards. `python -m bench` fails when a module raises or its last line is not
# the JSON figures. Not pool: it starts a whole cluster of its own (pg_auto_failover monitor, two nodes,
# pgbouncer on ports 58432…) and needs the cluster packages; `make test-cluster` covers that machinery.
BENCH_QUICK_SUFFIX ?= _throwaway
bench-quick: bench-deps
	@status=0; \
	GONGHUI_BENCH_DB_SUFFIX=$(BENCH_QUICK_SUFFIX) \
	DATABASE_URL=postgres://postgres@$(PG_HOST):5432/gonghui_bench$(BENCH_QUICK_SUFFIX) \
	  $(LOCAL) $(PYTHON) -m bench --quick --exclude pool || status=$$?; \
	for db in $$(psql -h $(PG_HOST) -U postgres -Atc \
	    "SELECT datname FROM pg_database WHERE datname LIKE 'gonghui\_bench%' AND datname LIKE '%$(BENCH_QUICK_SUFFIX)'"); do \
	  psql -h $(PG_HOST) -U postgres -qc "DROP DATABASE \"$$db\" WITH (FORCE)"; \
	done; \
	exit $$status

# The 年报 bench alone (`make bench` runs it with the others): the province generated at
# GONGHUI_BENCH_ANNUAL_MEMBERS members / GONGHUI_BENCH_ANNUAL_UNIONS unions (default 10 M / 100 k, ≈ 12 min
# to generate on 2 cores, reused by later runs), then the set-based 年报 and checks timed against the
# straightforward per-node computation.
bench-annual: install system-deps pg-tune
	$(LOCAL) $(PYTHON) -m bench annual $(BENCH_ARGS)

clean:
	rm -rf var staticfiles .pytest_cache .mypy_cache

# Backups (issue 17): pgBackRest from Debian; the drill restores a throwaway instance to a point in time
# and fails unless exactly the rows committed before it are back (deploy/backup/pitr-drill.sh).
BACKUP_APT_PACKAGES = pgbackrest bc postgresql-15
backup-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(BACKUP_APT_PACKAGES)"

backup-drill: backup-deps
	bash deploy/backup/pitr-drill.sh

# The national roll-up on loopback (issue 17 item 4; README 「全国汇总」): provinces 34 and 32 and a national
# instance (ports 57432-57434, data in var/national/), logical replication of the national tables from each
# province to the national instance. `make national-demo` creates or restarts them and shows the sums;
# `make national-stop` stops them (data kept; `deploy/national/national.sh destroy` removes it).
NATIONAL := deploy/national/national.sh
national-demo: install backup-deps
	bash $(NATIONAL) start

national-stop:
	bash $(NATIONAL) stop

# The three-instance test (tests/multi_instance/test_national.py: roll-up = sum of the provinces, a cross-province
# duplicate refused, replication lag measured); not part of `make test` (tests/conftest.py).
# The tests reach the three instances themselves (psql, manage.py shell); DATABASE_URL names province 34's
# only so that the suite's guard (CI runs on PostgreSQL) sees what it runs against.
test-national: national-demo
	env $$($(NATIONAL) env p34 | grep '^DATABASE_URL=') $(BIN)/pytest -p no:cacheprovider -q \
	  tests/multi_instance/test_national.py $(PYTEST_ARGS)
