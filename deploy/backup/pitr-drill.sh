#!/usr/bin/env bash
# 备份恢复演练 (point-in-time recovery drill) with pgBackRest, independent of manage.py:
#   a throwaway PostgreSQL 15 instance on loopback (port $DRILL_PORT) archives its WAL to an encrypted
#   pgBackRest repository; a full backup is taken; batch A is committed; the target time is taken from the
#   server's clock; batch B is committed; the instance is stopped and restored to the target time.
#   The drill passes only if exactly batch A is back (count and checksum) and nothing of batch B.
# Prints the timings; its last line is one JSON object. Leaves nothing behind unless KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="${DRILL_DIR:-$PWD/var/backup-drill}"
PORT="${DRILL_PORT:-56432}"
ROWS="${DRILL_ROWS:-100000}"
BIN=/usr/lib/postgresql/15/bin
PGDATA="$ROOT/pgdata"
CONF="$ROOT/pgbackrest.conf"
as_pg() { runuser -u postgres -- "$@"; }
now() { date +%s.%N; }
fail() { echo "演练失败：$*" >&2; exit 1; }

command -v pgbackrest >/dev/null || fail "未安装 pgBackRest（make backup-deps）"
cleanup() {
  as_pg "$BIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1 || true
  [ "${KEEP:-0}" = 1 ] || rm -rf "$ROOT"
}
trap cleanup EXIT
cleanup
mkdir -p "$ROOT"/{repo,log,spool,run}
# The repository is encrypted (等保: backups hold personal data): the passphrase lives beside it, 0600,
# in the drill; a deployment keeps it in its secret store, never in the repository's directory.
head -c 48 /dev/urandom | base64 | tr -d '\n' > "$ROOT/cipher-pass"
cat > "$CONF" <<CONF
[global]
repo1-path=$ROOT/repo
repo1-cipher-type=aes-256-cbc
repo1-cipher-pass=$(cat "$ROOT/cipher-pass")
repo1-retention-full=2
compress-type=zst
process-max=2
start-fast=y
log-path=$ROOT/log
spool-path=$ROOT/spool
lock-path=$ROOT/run
archive-async=n

[gonghui]
pg1-path=$PGDATA
pg1-port=$PORT
pg1-socket-path=$ROOT/run
CONF
chmod 600 "$CONF" "$ROOT/cipher-pass"
chown -R postgres:postgres "$ROOT"

as_pg "$BIN/initdb" -D "$PGDATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null  # loopback only
cat >> "$PGDATA/postgresql.conf" <<PGCONF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$ROOT/run'
wal_level = replica
archive_mode = on
archive_command = 'pgbackrest --config=$CONF --stanza=gonghui archive-push %p'
max_wal_senders = 3
PGCONF
as_pg "$BIN/pg_ctl" -D "$PGDATA" -l "$ROOT/log/postgresql.log" -w start >/dev/null
psql_() { as_pg psql -h "$ROOT/run" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -Atq "$@"; }

as_pg pgbackrest --config="$CONF" --stanza=gonghui stanza-create >/dev/null
as_pg pgbackrest --config="$CONF" --stanza=gonghui check >/dev/null
t0=$(now)
as_pg pgbackrest --config="$CONF" --stanza=gonghui --type=full backup >/dev/null
t_backup=$(printf "%.2f" "$(echo "$(now) - $t0" | bc)")

psql_ -c "CREATE TABLE drill_rows (id bigint PRIMARY KEY, batch text NOT NULL, payload text NOT NULL)"
psql_ -c "INSERT INTO drill_rows SELECT g, 'A', md5(g::text) FROM generate_series(1, $ROWS) g"
expected=$(psql_ -c "SELECT count(*) || ':' || md5(string_agg(payload, '' ORDER BY id)) FROM drill_rows")
sleep 1
target=$(psql_ -c "SELECT to_char(clock_timestamp(), 'YYYY-MM-DD HH24:MI:SS.USOF')")
sleep 1
psql_ -c "INSERT INTO drill_rows SELECT g, 'B', md5(g::text) FROM generate_series($ROWS + 1, $ROWS + 1000) g"
psql_ -c "SELECT pg_switch_wal()" >/dev/null
# Wait until the segment holding batch B is archived: a restore must have WAL *past* the target.
for _ in $(seq 1 60); do
  [ "$(psql_ -c "SELECT last_failed_wal IS NULL AND archived_count > 0 FROM pg_stat_archiver")" = t ] && \
  [ "$(psql_ -c "SELECT last_archived_wal >= pg_walfile_name(pg_current_wal_lsn() - 1) FROM pg_stat_archiver")" = t ] && break
  sleep 1
done
as_pg "$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null

t0=$(now)
as_pg pgbackrest --config="$CONF" --stanza=gonghui --delta --type=time "--target=$target" \
  --target-action=promote restore >/dev/null
as_pg "$BIN/pg_ctl" -D "$PGDATA" -l "$ROOT/log/postgresql.log" -w -t 120 start >/dev/null
for _ in $(seq 1 60); do [ "$(psql_ -c "SELECT pg_is_in_recovery()")" = f ] && break; sleep 1; done
t_restore=$(printf "%.2f" "$(echo "$(now) - $t0" | bc)")

got=$(psql_ -c "SELECT count(*) || ':' || md5(string_agg(payload, '' ORDER BY id)) FROM drill_rows")
batch_b=$(psql_ -c "SELECT count(*) FROM drill_rows WHERE batch = 'B'")
repo_mb=$(du -sm "$ROOT/repo" | cut -f1)
echo "恢复目标时间 $target；全量备份 ${t_backup}s，恢复并启动 ${t_restore}s，备份库 ${repo_mb} MB（加密，zstd）"
[ "$got" = "$expected" ] || fail "恢复后的数据与目标时间点不一致（期望 $expected，实际 $got）"
[ "$batch_b" = 0 ] || fail "恢复后含有目标时间点之后提交的 $batch_b 行"
echo "演练通过：恢复到目标时间点，批次 A 的 $ROWS 行完整（校验和一致），其后提交的批次 B 无一行"
printf '{"bench": "pitr_drill", "rows": %s, "full_backup_s": %s, "restore_s": %s, "repo_mb": %s, "ok": true}\n' \
  "$ROWS" "$t_backup" "$t_restore" "$repo_mb"
