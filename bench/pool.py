"""Connection pooling and failover on the province cluster (issue 17): throughput of two pages through
pgbouncer against direct connections to the primary, same run, and the failover time.

The cluster: deploy/cluster/cluster.sh on a base port of the bench's own (GONGHUI_BENCH_CLUSTER_PORT,
default 58432: monitor 58432, nodes 58433/58434, pgbouncer 58443/58444; data in var/bench-cluster,
GONGHUI_BENCH_CLUSTER_DIR). Never the cluster of `make cluster` (55432): the bench kills its primary. When
that cluster is not running the bench starts it (created on first use, ≈ 2 min) and stops it at the end
(data kept: the next run starts it in about a minute and reuses the loaded database); when it is already
running it is used and left running, whole again. The script runs the instances as the ``postgres`` OS
user through runuser, so the bench must run as root, and needs `make cluster-deps`.

The data: database ``gonghui_bench_pool_<members>`` in the cluster, owned by the application's role;
migrated, Anhui's regions and `load_demo` (full: 20,000 members of Wuhu with the demo's default 300
grassroots unions and 2,000 workplaces; quick: 1,000 / 30 / 100; GONGHUI_BENCH_POOL_MEMBERS,
…_GRASSROOTS, …_WORKPLACES), then `refresh_targets` as the nightly job would. The
setup connects straight to the primary with ``synchronous_commit=local`` for its own session (a loaded
demo need not wait for the standby's flush on each of its thousands of commits; the pages measured do not
write). A comment on the database records what was loaded (migrations, demo code, size, day): a later
run that finds the same comment reuses it. Its keys (the ID numbers are encrypted) are kept beside the
cluster's data in bench-pool-keys.json.

The load: gunicorn (2 gthread workers, GONGHUI_BENCH_WORKERS; threads so that each wrk connection has a
thread of its own, hence a Django connection of its own), production settings, no replica (the
comparison is of the pooler alone), and wrk on loopback with N = 8, 32, 64 connections (quick: 8) for
5 s each (quick 2 s; GONGHUI_BENCH_POOL_SECONDS) after 1 s of warm-up, against

  (a) the member list (/members/) of 鸠江区's county administrator (demo-jiujiang), and
  (b) the dashboard (/reports/) of 芜湖市's city administrator (demo-wuhu),

signed in through the login form, the session cookie sent with every request. Three server setups, one
after the other (each stopped before the next, so that its connections are gone):

  direct      DATABASE_URL → the primary node, GONGHUI_CONN_MAX_AGE=0 (the default: a connection, i.e. a
              new PostgreSQL backend process, per request)
  persistent  DATABASE_URL → the primary node, GONGHUI_CONN_MAX_AGE=60 (one backend per server thread)
  pgbouncer   DATABASE_URL → pgbouncer-primary (transaction pooling, DATABASE_POOLER=pgbouncer), the
              setting `cluster.sh env` prints, GONGHUI_CONN_MAX_AGE=0

For each: requests/s, p50/p99, non-2xx, the PostgreSQL server connections open on the bench database
(pg_stat_activity on the primary, sampled every 0.1 s during the run: peak and mean), the CPU of the
gunicorn workers per request and how busy the machine was. The direct setup is the baseline.

Failover: the primary node is killed as tests/cluster/nodes.py kills it (SIGKILL to its pg_autoctl's
process group and to its postmaster: the machine dies); two probers open a new connection every 0.1 s
and run a write transaction (``txid_current()``) that must land on the other node (the killed
postmaster's backends outlive it for a moment: a connection pgbouncer kept can still commit on them), one
through pgbouncer-primary, one through the libpq
multi-host URL straight to both nodes (target_session_attrs=read-write); kill → first successful write
for each. Then `cluster.sh start` brings the killed node back as the standby (timed).

Timing is never part of the tests; `python -m bench pool --quick` checks that the bench itself runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import _http as http
from bench._http import ROOT
from bench._prober import WriteProber

SCRIPT = ROOT / "deploy" / "cluster" / "cluster.sh"
BASE_PORT = int(os.environ.get("GONGHUI_BENCH_CLUSTER_PORT", "58432"))
CLUSTER_DIR = Path(os.environ.get("GONGHUI_BENCH_CLUSTER_DIR", ROOT / "var" / "bench-cluster"))
NODES = {"node1": BASE_PORT + 1, "node2": BASE_PORT + 2}
BOUNCER_PORT = BASE_PORT + 11  # pgbouncer-primary (cluster.sh)
DB_USER = "gonghui"  # the application's role (cluster.sh CLUSTER_DBUSER)
DEMO_PASSWORD = "gonghui-demo"

PAGES = [
    # key, label, path, user, what the page must contain (a wrong page would be measured otherwise)
    ("members", "会员列表（鸠江区县级管理员）", "/members/", "demo-jiujiang", "会员"),
    ("dashboard", "数据看板（芜湖市总工会管理员）", "/reports/", "demo-wuhu", "数据看板"),
]


@dataclass
class Setup:
    key: str
    label: str
    pooled: bool
    conn_max_age: int


SETUPS = [
    Setup("direct", "直连主库（每请求新连接）", False, 0),
    Setup("persistent", "直连主库（持久连接 60 秒）", False, 60),
    Setup("pgbouncer", "经 pgbouncer（事务池）", True, 0),
]


@dataclass
class Cell:
    page: str
    setup: str
    connections: int
    rps: float
    p50_ms: float
    p99_ms: float
    non2xx: int
    errors: int
    server_peak: int
    server_mean: float
    web_cpu_ms: float
    machine_busy: float


# --- the cluster ----------------------------------------------------------------------------------------


def _cluster(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "CLUSTER_BASE_PORT": str(BASE_PORT), "CLUSTER_DIR": str(CLUSTER_DIR)}
    return subprocess.run(
        ["sh", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _cluster_start() -> float:
    started = time.perf_counter()
    done = _cluster("start")
    if done.returncode:
        raise RuntimeError(f"集群启动失败（{CLUSTER_DIR}）：{(done.stderr + done.stdout)[-1500:]}")
    return time.perf_counter() - started


def _node(port: int, dbname: str = "postgres"):
    import psycopg

    return psycopg.connect(
        host="127.0.0.1", port=port, user="postgres", dbname=dbname, autocommit=True, connect_timeout=3
    )


def _in_recovery(port: int) -> bool | None:
    import psycopg

    try:
        with _node(port) as conn:
            return conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]
    except psycopg.OperationalError:
        return None


def _primary() -> str:
    found = [name for name, port in NODES.items() if _in_recovery(port) is False]
    if len(found) != 1:
        raise RuntimeError(f"集群应恰有一个主库，实际：{found or '无'}")
    return found[0]


def _wait_replayed(timeout: float = 60) -> None:
    primary = _primary()
    standby = next(name for name in NODES if name != primary)
    with _node(NODES[primary]) as conn:
        lsn = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    deadline = time.monotonic() + timeout
    with _node(NODES[standby]) as conn:
        while time.monotonic() < deadline:
            if conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]).fetchone()[0]:
                return
            time.sleep(0.05)
    raise RuntimeError(f"备库在 {timeout:.0f} 秒内未重放主库的写入")


def _kill_node(name: str) -> None:
    """As tests/cluster/nodes.kill_node: the node's machine dies (pg_autoctl's group and the postmaster)."""
    supervisor = int((CLUSTER_DIR / f"{name}.pid").read_text().strip())
    postmaster = int((CLUSTER_DIR / name / "postmaster.pid").read_text().splitlines()[0])
    for pid, kill in ((supervisor, os.killpg), (postmaster, os.kill)):
        with contextlib.suppress(ProcessLookupError):
            kill(pid, signal.SIGKILL)


# --- the database ---------------------------------------------------------------------------------------


def _fingerprint(size: dict[str, int]) -> str:
    """What a loaded database was made from: the migrations, the demo code, the size, the day (the demo's
    dates follow today)."""
    digest = hashlib.sha256()
    patterns = ("gonghui/*/migrations/*.py", "gonghui/*/demo_data.py", "gonghui/demo/*.py")
    files = sorted(path for pattern in patterns for path in ROOT.glob(pattern))
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    sizes = " ".join(f"{k}={v}" for k, v in sorted(size.items()))
    return f"gonghui bench pool {digest.hexdigest()[:16]} {sizes} {dt.date.today().isoformat()}"


def _prepare_database(dbname: str, size: dict[str, int], tmp: Path) -> tuple[dict[str, str], str]:
    """The bench database on the primary, loaded or reused; returns its keys and what was done."""
    primary_port = NODES[_primary()]
    keys_file = CLUSTER_DIR / "bench-pool-keys.json"
    wanted = _fingerprint(size)
    with _node(primary_port) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [dbname]
        ).fetchone()
        if row and row[0] == wanted and keys_file.exists():
            keys = json.loads(keys_file.read_text())
            if dbname in keys:
                return keys[dbname], "复用已载入的数据库"
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}" OWNER {DB_USER}')
        # As cluster.sh does for its database: no SET TIME ZONE per connection behind pgbouncer.
        conn.execute(f"ALTER DATABASE \"{dbname}\" SET timezone TO 'UTC'")
    keys = http.production_keys()
    started = time.perf_counter()
    env = http.production_env(
        tmp / "setup",
        f"postgres://{DB_USER}@127.0.0.1:{primary_port}/{dbname}",
        keys,
        PGOPTIONS="-c synchronous_commit=local",
    )
    for name in ("DATABASE_REPLICA_URL", "DATABASE_POOLER"):
        env.pop(name, None)
    http.manage(env, "migrate", "--noinput", "-v0")
    http.manage(env, "load_regions", "--province", "34", "-v0")
    http.manage(
        env,
        "load_demo",
        "--grassroots",
        str(size["grassroots"]),
        "--workplaces",
        str(size["workplaces"]),
        "--members",
        str(size["members"]),
    )
    http.manage(env, "refresh_targets")
    with _node(primary_port) as conn:
        conn.execute(f'COMMENT ON DATABASE "{dbname}" IS ' + _quote(wanted))
    stored = json.loads(keys_file.read_text()) if keys_file.exists() else {}
    stored[dbname] = keys
    keys_file.write_text(json.dumps(stored))
    keys_file.chmod(0o600)
    return keys, f"新建并载入（{time.perf_counter() - started:.0f} 秒）"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --- the load -------------------------------------------------------------------------------------------


@dataclass
class ConnectionSampler:
    """Counts the client backends on the bench database every 0.1 s while it runs (peak and mean)."""

    port: int
    dbname: str
    counts: list[int] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self):
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=10)

    def _run(self) -> None:
        with _node(self.port) as conn:
            while not self.stop.is_set():
                (n,) = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend'",
                    [self.dbname],
                ).fetchone()
                self.counts.append(n)
                time.sleep(0.1)


def _drain(gunicorn_pid: int, limit: float = 60) -> None:
    """Until the workers are idle: requests that wrk gave up on (its connections closed at the end of a
    level) are still served, and would otherwise be counted against the next level."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = http.children_cpu(gunicorn_pid)
        time.sleep(0.5)
        if http.children_cpu(gunicorn_pid) - before < 0.05:
            return


def _measure(
    base: str, page: tuple, cookie: str, gunicorn_pid: int, n: int, seconds: float, sampler_args: tuple
) -> tuple[http.WrkResult, ConnectionSampler, float, float]:
    url = base + page[2]
    _drain(gunicorn_pid)
    http.run_wrk(url, connections=n, duration=1, headers={"Cookie": cookie})  # warm-up
    _drain(gunicorn_pid)
    machine_before = http.machine_ticks()
    cpu_before = http.children_cpu(gunicorn_pid)
    with ConnectionSampler(*sampler_args) as sampler:
        result = http.run_wrk(url, connections=n, duration=seconds, headers={"Cookie": cookie})
    web_cpu = http.children_cpu(gunicorn_pid) - cpu_before
    return result, sampler, web_cpu, http.busy_share(machine_before, http.machine_ticks())


def _no_connections_left(port: int, dbname: str) -> None:
    """Before each server setup: no connection of an earlier one (a stopped gunicorn's backends, idle
    server connections pgbouncer keeps for server_idle_timeout) counts towards the next one's figure."""
    with _node(port) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [dbname],
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            (n,) = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend'",
                [dbname],
            ).fetchone()
            if n == 0:
                return
            time.sleep(0.2)


def _load(dbname: str, keys: dict, tmp: Path, levels: list[int], seconds: float, workers: int) -> list[Cell]:
    primary_port = NODES[_primary()]
    threads = math.ceil(max(levels) / workers)
    urls = {
        False: f"postgres://{DB_USER}@127.0.0.1:{primary_port}/{dbname}?connect_timeout=3",
        True: f"postgres://{DB_USER}@127.0.0.1:{BOUNCER_PORT}/{dbname}?connect_timeout=3",
    }
    cookies: dict[str, str] = {}
    cells: list[Cell] = []
    for setup in SETUPS:
        extra = {"GONGHUI_CONN_MAX_AGE": str(setup.conn_max_age)}
        if setup.pooled:
            extra["DATABASE_POOLER"] = "pgbouncer"
        env = http.production_env(tmp / setup.key, urls[setup.pooled], keys, **extra)
        env.pop("DATABASE_REPLICA_URL", None)
        if not setup.pooled:
            env.pop("DATABASE_POOLER", None)
        port = http.free_port()
        base = f"http://127.0.0.1:{port}"
        log = tmp / f"gunicorn-{setup.key}.log"
        _no_connections_left(primary_port, dbname)
        gunicorn = http.start_gunicorn(env, port, log, workers=workers, threads=threads)
        try:
            http.wait_up(base + "/accounts/login/", log=log)
            for page in PAGES:
                if page[3] not in cookies:  # sessions live in the database: valid for every setup
                    cookies[page[3]] = http.login(base, page[3], DEMO_PASSWORD)
                status, body = http.get(base + page[2], cookies[page[3]])
                if status != 200 or page[4] not in body:
                    raise RuntimeError(f"{page[1]} {page[2]} 未正常打开：HTTP {status}")
                for n in levels:
                    result, sampler, web_cpu, busy = _measure(
                        base, page, cookies[page[3]], gunicorn.pid, n, seconds, (primary_port, dbname)
                    )
                    counts = sampler.counts or [0]
                    cell = Cell(
                        page=page[0],
                        setup=setup.key,
                        connections=n,
                        rps=result.rps,
                        p50_ms=result.p50_ms,
                        p99_ms=result.p99_ms,
                        non2xx=result.non2xx,
                        errors=result.errors,
                        server_peak=max(counts),
                        server_mean=statistics.fmean(counts),
                        web_cpu_ms=web_cpu * 1000 / max(result.requests, 1),
                        machine_busy=busy,
                    )
                    cells.append(cell)
                    print(
                        f"  {page[1]} · {setup.label} · {n} 并发：{cell.rps:.1f} 次/秒，"
                        f"p50 {cell.p50_ms:.0f} ms，p99 {cell.p99_ms:.0f} ms，"
                        f"服务器连接 峰值 {cell.server_peak} / 平均 {cell.server_mean:.1f}，"
                        f"Web CPU {cell.web_cpu_ms:.1f} ms/次，机器 CPU 忙 {busy:.0%}"
                        + (f"，非 2xx {cell.non2xx} 次" if cell.non2xx else "")
                        + (f"，套接字错误 {cell.errors} 次" if cell.errors else ""),
                        flush=True,
                    )
        finally:
            http.stop_gunicorn(gunicorn)
    return cells


# --- failover -------------------------------------------------------------------------------------------


def _failover(dbname: str) -> dict:
    _wait_replayed()
    old = _primary()
    hosts = ",".join(f"127.0.0.1:{port}" for port in NODES.values())
    urls = {
        "pgbouncer": f"postgres://{DB_USER}@127.0.0.1:{BOUNCER_PORT}/{dbname}",
        "multihost": f"postgres://{DB_USER}@{hosts}/{dbname}?target_session_attrs=read-write",
    }
    since = time.monotonic()
    _kill_node(old)
    probers = {key: WriteProber(url, since, NODES[old]) for key, url in urls.items()}
    for prober in probers.values():
        prober.start()
    for prober in probers.values():
        prober.join(timeout=130)
    new = _primary() if any(p.first_write for p in probers.values()) else "?"
    return {"old": old, "new": new, **{key: p.seconds() for key, p in probers.items()}}


# --- run ------------------------------------------------------------------------------------------------


def _check_prerequisites() -> None:
    http.require_wrk()
    if os.geteuid() != 0:
        raise RuntimeError("集群脚本以 postgres 用户运行各实例（runuser），本基准须以 root 运行")
    path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/lib/postgresql/15/bin"])
    if not shutil.which("pg_autoctl", path=path) or not shutil.which("pgbouncer", path=path):
        raise RuntimeError("需要 pg_auto_failover 和 pgbouncer（make cluster-deps）")


def run(args) -> None:
    _check_prerequisites()
    quick = bool(getattr(args, "quick", False))
    levels = [8] if quick else [8, 32, 64]
    seconds = float(os.environ.get("GONGHUI_BENCH_POOL_SECONDS", "2" if quick else "5"))
    workers = int(os.environ.get("GONGHUI_BENCH_WORKERS", "2"))
    defaults = (1000, 30, 100) if quick else (20000, 300, 2000)
    size = {
        key: int(os.environ.get(f"GONGHUI_BENCH_POOL_{key.upper()}", default))
        for key, default in zip(("members", "grassroots", "workplaces"), defaults, strict=True)
    }
    dbname = f"gonghui_bench_pool_{size['members']}"
    tmp = Path(tempfile.mkdtemp(prefix="gh-bench-pool-"))

    started_here = _cluster("check").returncode != 0
    cluster_seconds = _cluster_start() if started_here else 0.0
    print(
        f"集群（基准端口 {BASE_PORT}，数据 {CLUSTER_DIR}）："
        + (f"由本基准启动，{cluster_seconds:.0f} 秒" if started_here else "已在运行，沿用（结束后保持运行）"),
        flush=True,
    )
    failover: dict = {}
    rejoin_seconds = None
    cells: list[Cell] = []
    try:
        keys, how = _prepare_database(dbname, size, tmp)
        print(
            f"数据库 {dbname}：{how}；会员 {size['members']} 名，基层工会 {size['grassroots']} 个，"
            f"单位 {size['workplaces']} 个",
            flush=True,
        )
        quiet = http.wait_for_quiet(0 if quick else float(os.environ.get("GONGHUI_BENCH_QUIET_WAIT", "60")))
        print(
            f"gunicorn {workers} 个 gthread worker × {math.ceil(max(levels) / workers)} 线程，生产设置，无只读副本；"
            f"wrk 2 线程，每档 {seconds:.0f} 秒（先预热 1 秒），环回地址；{quiet}",
            flush=True,
        )
        cells = _load(dbname, keys, tmp, levels, seconds, workers)
        print("主库故障切换：杀死主库节点（pg_autoctl 进程组 + postmaster）→ 首次写入成功", flush=True)
        failover = _failover(dbname)
        for key, label in (("pgbouncer", "经 pgbouncer-primary"), ("multihost", "libpq 多主机 URL 直连节点")):
            value = failover.get(key)
            print(f"  {label}：{'120 秒内未成功' if value is None else f'{value:.1f} 秒'}", flush=True)
        print(f"  原主库 {failover['old']}，新主库 {failover['new']}", flush=True)
        rejoin_seconds = _cluster_start()
        print(f"被杀节点重新加入为备库（cluster.sh start）：{rejoin_seconds:.0f} 秒", flush=True)
    finally:
        if started_here:
            _cluster("stop")
            print("集群已停止（由本基准启动；数据保留供下次复用）", flush=True)

    print("对比（以直连主库、每请求新连接为基线）：")
    by_key = {(c.page, c.setup, c.connections): c for c in cells}
    for page in PAGES:
        for n in levels:
            base = by_key[(page[0], "direct", n)]
            parts = []
            for setup in SETUPS:
                c = by_key[(page[0], setup.key, n)]
                parts.append(
                    f"{setup.label} {c.rps:.0f} 次/秒（×{c.rps / max(base.rps, 0.01):.2f}，"
                    f"p99 {c.p99_ms:.0f} ms，连接峰值 {c.server_peak}）"
                )
            print(f"  {page[1]} {n} 并发：" + "；".join(parts))
    print(
        json.dumps(
            {
                "bench": "pool",
                "quick": quick,
                "members": size["members"],
                "seconds_per_level": seconds,
                "workers": workers,
                "threads_per_worker": math.ceil(max(levels) / workers),
                "results": [
                    {
                        "page": c.page,
                        "setup": c.setup,
                        "connections": c.connections,
                        "rps": round(c.rps, 1),
                        "p50_ms": round(c.p50_ms, 1),
                        "p99_ms": round(c.p99_ms, 1),
                        "non2xx": c.non2xx,
                        "socket_errors": c.errors,
                        "server_connections_peak": c.server_peak,
                        "server_connections_mean": round(c.server_mean, 1),
                        "web_cpu_ms_per_request": round(c.web_cpu_ms, 2),
                        "machine_busy": round(c.machine_busy, 2),
                    }
                    for c in cells
                ],
                "failover_to_first_write_s": {
                    k: (None if failover.get(k) is None else round(failover[k], 1))
                    for k in ("pgbouncer", "multihost")
                },
                "rejoin_s": None if rejoin_seconds is None else round(rejoin_seconds),
                "cluster_started_by_bench": started_here,
            },
            ensure_ascii=False,
        )
    )
    shutil.rmtree(tmp, ignore_errors=True)
