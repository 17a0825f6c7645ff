#!/usr/bin/env bash
# The national roll-up on loopback (issue 17 item 4): two province instances and one national instance,
# each its own PostgreSQL 15 server run as the postgres OS user, data under var/national/.
#   province 34 (安徽, the full small demo)   port 57432
#   province 32 (江苏, load_province_demo)     port 57433
#   national (GONGHUI_MODE=national)           port 57434
# Each province publishes the national tables (PUBLICATION gonghui_national); the national instance
# subscribes to both (SUBSCRIPTION gonghui_from_34 / gonghui_from_32). Provinces ask the national instance
# through a read-only role (gonghui_check: SELECT on the two tables the check reads).
#
#   national.sh start     create (first time) or start the three, migrate, load demos, publish, subscribe
#   national.sh stop      stop the three servers (data kept)
#   national.sh destroy   stop and remove var/national
#   national.sh env NAME  the environment of instance NAME (p34, p32, nat), one VAR=value per line
#   national.sh check     exit 0 when the three servers answer
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
ROOT="${NATIONAL_DIR:-$REPO/var/national}"
BIN=/usr/lib/postgresql/15/bin
PY="$REPO/.venv/bin/python"
declare -A PORT=([p34]=57432 [p32]=57433 [nat]=57434)
as_pg() { runuser -u postgres -- "$@"; }
say() { echo "== $*"; }

env_of() {
  local name=$1
  echo "GONGHUI_DEBUG=1"
  echo "GONGHUI_VAR_DIR=$ROOT/app-$name"
  echo "GONGHUI_NATIONAL_KEY_FILE=$ROOT/national.key"
  echo "DATABASE_URL=postgres://postgres@127.0.0.1:${PORT[$name]}/gonghui"
  if [ "$name" = nat ]; then
    echo "GONGHUI_MODE=national"
  else
    echo "GONGHUI_PROVINCE_CODE=${name#p}"
    echo "DATABASE_NATIONAL_URL=postgres://gonghui_check@127.0.0.1:${PORT[nat]}/gonghui"
  fi
}
manage() { local name=$1; shift; env $(env_of "$name") "$PY" manage.py "$@"; }
psql_() { local name=$1; shift; psql -h 127.0.0.1 -p "${PORT[$name]}" -U postgres -v ON_ERROR_STOP=1 -Atq "$@"; }

server_start() {
  local name=$1 data="$ROOT/$1/pgdata"
  if [ ! -d "$data" ]; then
    mkdir -p "$ROOT/$name"
    chown postgres:postgres "$ROOT/$name"
    as_pg "$BIN/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null  # loopback only
    cat >> "$data/postgresql.conf" <<PGCONF
port = ${PORT[$name]}
listen_addresses = '127.0.0.1'
unix_socket_directories = '$ROOT/$name'
wal_level = logical
max_replication_slots = 10
max_wal_senders = 10
max_logical_replication_workers = 6
shared_buffers = 64MB
PGCONF
  fi
  if ! as_pg "$BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_pg "$BIN/pg_ctl" -D "$data" -l "$ROOT/$name/postgresql.log" -w start >/dev/null
  fi
  psql_ "$name" -d postgres -c "SELECT 1" >/dev/null
  [ -n "$(psql_ "$name" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'gonghui'")" ] \
    || psql_ "$name" -d postgres -c "CREATE DATABASE gonghui"
}

# A province's demo data, today's figures, its national snapshot and its publication.
province() {
  local name=$1
  if [ -z "$(psql_ "$name" -d gonghui -c "SELECT 1 FROM orgs_unionorg LIMIT 1")" ]; then
    manage "$name" load_regions --province "${name#p}"
    if [ "$name" = p34 ]; then
      say "province 34: regions and the small demo"
      manage p34 load_demo --grassroots 30 --workplaces 120 --members 600
    else
      say "province ${name#p}: regions and the province demo"
      manage "$name" load_province_demo --province "${name#p}" --members 300
    fi
  fi
  say "province ${name#p}: seed_targets, refresh_targets, publish_national"
  manage "$name" seed_targets  # the indicator definitions (idempotent; load_demo seeds them too)
  manage "$name" refresh_targets
  manage "$name" publish_national
  [ -n "$(psql_ "$name" -d gonghui -c "SELECT 1 FROM pg_publication WHERE pubname = 'gonghui_national'")" ] \
    || psql_ "$name" -d gonghui -c "CREATE PUBLICATION gonghui_national FOR TABLE national_province, national_nodesnapshot, national_membershiphash"
}

start() {
  mkdir -p "$ROOT"
  # The key every province shares (HMAC of ID numbers); 0600, never in the repository or a log.
  [ -s "$ROOT/national.key" ] || { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$ROOT/national.key"; chmod 600 "$ROOT/national.key"; }
  for name in nat p34 p32; do
    say "PostgreSQL $name on port ${PORT[$name]}"
    server_start "$name"
    mkdir -p "$ROOT/app-$name"
  done
  # One code base, one schema: on a first start, migrate province 34 and copy the result (schema and the
  # reference rows migrations seed, nothing else exists yet) to the other two — seconds, where three
  # migrations take minutes; `migrate` there then finds nothing to apply. Later starts migrate each.
  fresh=$([ -z "$(psql_ p34 -d gonghui -c "SELECT 1 FROM pg_tables WHERE tablename = 'django_migrations'")" ] && echo 1 || true)
  manage p34 migrate --noinput -v 0
  for name in nat p32; do
    if [ -n "$fresh" ] && [ -z "$(psql_ "$name" -d gonghui -c "SELECT 1 FROM pg_tables WHERE tablename = 'django_migrations'")" ]; then
      say "schema of p34 → $name"
      pg_dump -h 127.0.0.1 -p "${PORT[p34]}" -U postgres --no-owner gonghui \
        | psql -h 127.0.0.1 -p "${PORT[$name]}" -U postgres -d gonghui -q -v ON_ERROR_STOP=1 >/dev/null
    fi
    manage "$name" migrate --noinput -v 0
  done
  psql_ nat -d gonghui -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gonghui_check') THEN CREATE ROLE gonghui_check LOGIN; END IF; END \$\$;
    GRANT SELECT ON national_membershiphash, national_province TO gonghui_check;"
  # The two provinces load and publish side by side (each step is one process on its own server).
  province p34 & p34_pid=$!
  province p32 & p32_pid=$!
  wait "$p34_pid"
  wait "$p32_pid"
  for name in p34 p32; do
    if [ -z "$(psql_ nat -d gonghui -c "SELECT 1 FROM pg_subscription WHERE subname = 'gonghui_from_${name#p}'")" ]; then
      psql_ nat -d gonghui -c "CREATE SUBSCRIPTION gonghui_from_${name#p} CONNECTION 'host=127.0.0.1 port=${PORT[$name]} dbname=gonghui user=postgres' PUBLICATION gonghui_national"
    fi
  done
  say "waiting for the initial copy of both subscriptions"
  for _ in $(seq 1 60); do
    pending=$(psql_ nat -d gonghui -c "SELECT count(*) FROM pg_subscription_rel WHERE srsubstate <> 'r'")
    [ "$pending" = 0 ] && break
    sleep 0.5
  done
  [ "$pending" = 0 ] || { echo "订阅的初始同步未完成" >&2; exit 1; }
  say "national roll-up"
  manage nat show_national
}

stop() {
  for name in p32 p34 nat; do
    [ -d "$ROOT/$name/pgdata" ] && as_pg "$BIN/pg_ctl" -D "$ROOT/$name/pgdata" -m fast stop >/dev/null 2>&1 || true
  done
}

check() {
  for name in p34 p32 nat; do
    pg_isready -q -h 127.0.0.1 -p "${PORT[$name]}" || { echo "实例 $name（端口 ${PORT[$name]}）未运行：先运行 make national-demo" >&2; exit 1; }
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  destroy) stop; rm -rf "$ROOT" ;;
  env) env_of "${2:?实例名：p34、p32 或 nat}" ;;
  check) check ;;
  *) echo "用法：$0 start|stop|destroy|env NAME|check" >&2; exit 2 ;;
esac
