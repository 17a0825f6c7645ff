"""Online-joining submissions per second against the production server setup.

gunicorn (sync workers, several) on 127.0.0.1 serving gonghui against PostgreSQL (database
gonghui_bench_joining, recreated and migrated here), load from Debian's ``wrk`` on loopback, a Lua script
posting the public apply form with a fresh valid ID number per request (courier, no union at work →
routed by a RoutingRule to a new-form federation). Bounded: ``-d`` seconds (20, quick 3) with a fixed
number of connections.

Rate limits: the public form allows 30 submissions per address per hour, which would make a loopback
bench meaningless. The bench does NOT fake addresses with X-Forwarded-For (the limiter ignores that
header unless the peer is one of GONGHUI_TRUSTED_PROXIES); it runs gunicorn with a settings module of its
own that raises GONGHUI_JOIN_RATE_LIMITS for apply_ip/apply_id. Every other check (CSRF, honeypot,
validation, routing, the open-application and membership checks, encryption, the event row) runs.

CSRF: one GET obtains a csrftoken cookie; every POST sends that cookie and the same secret as the form
token (Django accepts the unmasked secret), as a browser would within one session.

Shared state as in production: GONGHUI_REDIS_URL points at the local Redis (database 9) when it answers,
so the rate-limit counters are shared by the workers and really counted on every request.

Workers: 3 sync workers by default (GONGHUI_BENCH_WORKERS). Each submission waits ≈ 1–3 ms for the
WAL flush of its commit and for Redis: with 2 workers on 2 cores the CPU idled during those waits
(2026-11-23, quiet machine: 2 workers 226/s p99 133 ms, 3 workers 249/s p99 93 ms, 4 workers 247/s
p99 140 ms).
Sync workers close the connection after each response, as a proxy without upstream keep-alive does.

Prints submissions/s (rows really created ÷ seconds), wrk's requests/s, p50/p99 latency, non-2xx, and
the CPU per submission of the gunicorn workers, of their PostgreSQL backends and of wrk itself (to see
that the load generator is not the limit), with the machine's load and the share other processes took.
Needs the Debian package ``wrk`` (make system-deps).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import textwrap
from pathlib import Path

from bench import _http as http
from bench._http import ROOT
from bench._http import manage as _manage

DB_NAME = "gonghui_bench_joining" + os.environ.get("GONGHUI_BENCH_DB_SUFFIX", "")  # see bench.targets
GOAL_RATE, GOAL_P99_MS = 200, 300

SETUP = """
from gonghui.members.reference import seed_new_form_groups
from gonghui.members.models import NewFormGroup
from gonghui.orgs.models import UnionKind, UnionOrg
from gonghui.regions.models import Region
from gonghui.joining.models import RoutingRule
seed_new_form_groups()
r = {x.code: x for x in Region.objects.filter(code__in=["340000", "340200", "340207"])}
p = UnionOrg.objects.create(name="安徽省总工会", kind=UnionKind.PROVINCE, region=r["340000"])
c = UnionOrg.objects.create(name="芜湖市总工会", kind=UnionKind.CITY, parent=p, region=r["340200"])
k = UnionOrg.objects.create(name="鸠江区总工会", kind=UnionKind.COUNTY, parent=c, region=r["340207"])
n = UnionOrg.objects.create(name="鸠江区新就业形态劳动者工会联合会", kind=UnionKind.NEW_FORM_FEDERATION, parent=k, region=r["340207"])
g = NewFormGroup.objects.get(code="courier")
RoutingRule.objects.create(region=r["340207"], new_form_group=g, union=n)
print("IDS", g.pk, r["340207"].pk)
"""

BENCH_SETTINGS = """
from gonghui.settings import *  # noqa: F403
# The bench's only change: rate limits raised so that one loopback client can submit thousands.
GONGHUI_JOIN_RATE_LIMITS = {"apply_ip": (10**9, 3600), "apply_id": (10**9, 86400)}
"""

LUA = r"""
local counter = 0
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
local W = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
local C = "10X98765432"
local function make_id(n)
  -- a fresh birth date + sequence per request: 1000 sequence numbers per day from 1965 on
  local day = math.floor(n / 1000)
  local t = os.time({year = 1965, month = 1, day = 1, hour = 12}) + day * 86400
  local body = "340207" .. os.date("%Y%m%d", t) .. string.format("%03d", n % 1000)
  local s = 0
  for i = 1, 17 do s = s + tonumber(body:sub(i, i)) * W[i] end
  local k = s % 11 + 1
  return body .. C:sub(k, k)
end
function request()
  counter = counter + 1
  local id = make_id((tid or 0) * 2000000 + counter)
  local body = "csrfmiddlewaretoken=" .. TOKEN .. "&name=%E5%91%A8%E5%BF%AB%E9%80%92&id_number=" .. id
    .. "&phone=13966667777&is_migrant_worker=no&mode=none&employer_name=%E6%97%A0%E5%9B%BA%E5%AE%9A%E5%8D%95%E4%BD%8D&new_form_group=" .. GROUP .. "&district=" .. DISTRICT
    .. "&consent_constitution=on&consent_personal_data=on&website="
  return wrk.format("POST", "/join/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. TOKEN,
    ["Referer"] = "http://127.0.0.1:" .. PORT .. "/join/",
  }, body)
end
"""


def _db_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gonghui_bench")
    return base.rsplit("/", 1)[0] + "/" + DB_NAME


def _recreate_database() -> None:
    import psycopg

    admin = _db_url().rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def _count_rows(env: dict) -> int:
    out = _manage(
        env,
        "shell",
        "-c",
        "from gonghui.joining.models import JoinApplication as J; print('ROWS', J.objects.count())",
    )
    return int(re.search(r"ROWS (\d+)", out).group(1))


def _backend_pids() -> set[int]:
    import psycopg

    with psycopg.connect(_db_url().rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [DB_NAME]).fetchall()
    return {pid for (pid,) in rows}


def run(args) -> None:
    from bench._report import emit

    http.require_wrk()
    quick = bool(getattr(args, "quick", False))
    duration = 3 if quick else 20
    connections = 4 if quick else 12
    workers = int(os.environ.get("GONGHUI_BENCH_WORKERS", "3"))  # see the module docstring

    _recreate_database()
    tmp = Path(tempfile.mkdtemp(prefix="gh-bench-joining-"))
    (tmp / "bench_joining_settings.py").write_text(BENCH_SETTINGS)
    # Production settings take their keys from the environment only: fresh ones for this run.
    env = http.production_env(
        tmp / "var",
        _db_url(),
        http.production_keys(),
        DJANGO_SETTINGS_MODULE="bench_joining_settings",
        PYTHONPATH=os.pathsep.join([str(tmp), str(ROOT)]),
        GONGHUI_CONN_MAX_AGE="60",
    )
    # Production keeps the rate-limit counters in Redis, shared by the workers; so does the bench when a
    # Redis server answers (its own database number), else it says that it counted per process.
    redis_url = os.environ.get("GONGHUI_BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
    if http.redis_up(redis_url):
        env["GONGHUI_REDIS_URL"] = redis_url
    else:
        redis_url = ""
    _manage(env, "migrate", "-v0")
    _manage(env, "load_regions", "--province", "34", "-v0")
    group_pk, district_pk = re.search(r"IDS (\d+) (\d+)", _manage(env, "shell", stdin=SETUP)).groups()

    port = http.free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp / "gunicorn.log"
    gunicorn = http.start_gunicorn(env, port, log, workers=workers)
    try:
        http.wait_up(base + "/join/", log=log)
        token = http.csrf_token(base + "/join/")
        script = tmp / "apply.lua"
        script.write_text(
            textwrap.dedent(
                f'TOKEN = "{token}"\nGROUP = "{group_pk}"\nDISTRICT = "{district_pk}"\nPORT = "{port}"\n'
            )
            + LUA
        )
        before = _count_rows(env)
        quiet = http.wait_for_quiet(0 if quick else float(os.environ.get("GONGHUI_BENCH_QUIET_WAIT", "120")))
        pg_pids = _backend_pids()
        cpu_before = http.children_cpu(gunicorn.pid)
        pg_before = http.pids_cpu(pg_pids)
        machine_before = http.machine_ticks()
        result = http.run_wrk(base + "/join/", connections=connections, duration=duration, script=script)
        web_cpu = http.children_cpu(gunicorn.pid) - cpu_before
        pg_pids |= _backend_pids()  # backends opened during the run (CONN_MAX_AGE keeps them)
        pg_cpu = http.pids_cpu(pg_pids) - pg_before
        machine_after = http.machine_ticks()
        created = _count_rows(env) - before
        if os.environ.get("GONGHUI_BENCH_VERBOSE"):
            print(result.output)
    finally:
        http.stop_gunicorn(gunicorn)

    elapsed = result.seconds
    rate = created / elapsed
    p50, p99 = result.p50_ms, result.p99_ms
    print(f"gunicorn {workers} 个 sync worker，wrk 2 线程 {connections} 连接，{duration} 秒（环回地址）")
    print(f"限流计数：{'Redis（各 worker 共享）' if redis_url else '各进程本地内存（未连上 Redis）'}")
    print(
        f"入会申请提交：{created} 件写入数据库，{rate:.0f} 件/秒"
        f"（wrk 请求 {result.rps:.0f} 次/秒，非 2xx {result.non2xx} 次）"
    )
    print(f"延迟 p50 {p50:.1f} ms，p99 {p99:.1f} ms")
    n = max(created, 1)
    load = os.getloadavg()[0]
    ours = web_cpu + pg_cpu + result.cpu
    busy = machine_after[0] - machine_before[0]
    machine = busy / os.sysconf("SC_CLK_TCK")
    print(
        f"每件 CPU：Web 进程 {web_cpu * 1000 / n:.1f} ms，PostgreSQL 后端 {pg_cpu * 1000 / n:.1f} ms，"
        f"wrk {result.cpu * 1000 / n:.1f} ms"
    )
    print(
        f"{quiet}；测量时系统负载 {load:.1f}（{os.cpu_count()} 核，"
        f"CPU 忙 {http.busy_share(machine_before, machine_after):.0%}），"
        f"其中 Web、PostgreSQL 后端、wrk 以外（其他进程、Redis、内核）占 {max(machine - ours, 0) / elapsed:.2f} 核"
    )
    met = rate >= GOAL_RATE and p99 <= GOAL_P99_MS
    print(f"目标 ≥{GOAL_RATE} 件/秒且 p99 ≤{GOAL_P99_MS} ms：{'达到' if met else '未达到'}")
    shutil.rmtree(tmp, ignore_errors=True)
    emit(
        "joining",
        submissions=created,
        per_second=round(rate, 1),
        wrk_rps=round(result.rps, 1),
        p50_ms=round(p50, 1),
        p99_ms=round(p99, 1),
        non2xx=result.non2xx,
        workers=workers,
        connections=connections,
        seconds=duration,
        goal_met=met,
    )
