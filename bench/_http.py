"""Machinery shared by the benchmarks that load the application over HTTP (joining, pool) or through the
Django test client in-process (lists, search, supervision, targets: ``page_client``): the production
environment for gunicorn, starting and stopping it (``served``), waiting until it answers, timing pages,
cookies, running Debian's ``wrk`` and reading its output, and the CPU accounting from /proc that says
whether the figure measured the application or the machine's other tenants.

The leading underscore keeps this module out of ``python -m bench``'s list (it has no ``run``).
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("需要 Debian 软件包 wrk（apt-get install wrk，或 make bench-deps）")
    return wrk


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_keys() -> dict[str, str]:
    """Fresh keys for the environment variables that production settings (GONGHUI_DEBUG=0) require."""
    return {
        "GONGHUI_SECRET_KEY": secrets.token_urlsafe(50),
        "GONGHUI_FIELD_KEYS": Fernet.generate_key().decode(),
        "GONGHUI_HASH_KEY": secrets.token_hex(32),
        "GONGHUI_AUDIT_ARCHIVE_KEY": secrets.token_hex(32),
    }


def production_env(var_dir: Path, database_url: str, keys: dict[str, str], **extra: str) -> dict[str, str]:
    """The environment of a production server (no debug pages, keys from the environment only) on
    ``database_url``; ``extra`` adds or overrides variables."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "GONGHUI_VAR_DIR": str(var_dir),
        "GONGHUI_DEBUG": "0",
        "GONGHUI_LOG_LEVEL": "WARNING",
        **keys,
        **extra,
    }


def manage(env: dict, *args: str, stdin: str | None = None) -> str:
    out = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} 失败：{out.stderr[-2000:]}")
    return out.stdout


def start_gunicorn(env: dict, port: int, log: Path, *, workers: int, threads: int = 1) -> subprocess.Popen:
    """gunicorn serving gonghui on 127.0.0.1:``port``, in a session of its own (stop_gunicorn ends the
    group). ``threads`` > 1: gthread workers, one Django database connection per thread."""
    worker_args = ["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "gonghui.wsgi",
            "--workers",
            str(workers),
            *worker_args,
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--no-control-socket",  # gunicorn 27's default socket path is shared by every instance
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(log, "w"),  # kept open for the child's lifetime
        start_new_session=True,
    )


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def wait_up(url: str, timeout: float = 90, log: Path | None = None) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except urllib.error.HTTPError:
            return  # it answered (a 302 to the login page is followed; a 4xx still means up)
        except OSError:
            time.sleep(0.3)
    tail = f"：{log.read_text()[-1500:]}" if log and log.exists() else ""
    raise RuntimeError(f"gunicorn 未能在 {timeout:.0f} 秒内启动{tail}")


def redis_up(url: str) -> bool:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return True
    except Exception:  # no package, no server: the bench runs with per-process counters
        return False


def _cookies(headers) -> dict[str, str]:
    found = {}
    for header in headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def csrf_token(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as resp:
        token = _cookies(resp.headers).get("csrftoken")
    if not token:
        raise RuntimeError("未取得 csrftoken")
    return token


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login(base: str, username: str, password: str) -> str:
    """Signs in through the login form as a browser does (CSRF cookie and token); returns the session
    cookie (``sessionid=…``) for wrk's requests."""
    token = csrf_token(base + "/accounts/login/")
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password}
    ).encode()
    request = urllib.request.Request(
        base + "/accounts/login/",
        data=body,
        headers={
            "Cookie": f"csrftoken={token}",
            "Referer": base + "/accounts/login/",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(request, timeout=30)
        raise RuntimeError(f"{username} 登录失败（登录页未跳转，用户名或密码不对？）")
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise RuntimeError(f"{username} 登录失败：HTTP {answer.code}") from None
        session = _cookies(answer.headers).get("sessionid")
    if not session:
        raise RuntimeError(f"{username} 登录后未取得 sessionid")
    return f"sessionid={session}"


def get(url: str, cookie: str) -> tuple[int, str]:
    """One GET with the session cookie, redirects not followed: (status, body)."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers={"Cookie": cookie}), timeout=60) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as answer:
        return answer.code, answer.read().decode("utf-8", "replace")


def ms(text: str) -> float:
    """wrk's latency (``850.00us``, ``12.3ms``, ``1.2s``) in milliseconds."""
    value = float(re.match(r"[\d.]+", text).group())
    if text.endswith("us"):
        return value / 1000
    if text.endswith("ms"):
        return value
    if text.endswith("m"):
        return value * 60_000
    return value * 1000 if text.endswith("s") else value


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non2xx: int
    errors: int  # socket errors: connect, read, write, timeout
    seconds: float
    cpu: float  # wrk's own CPU seconds
    output: str


def run_wrk(
    url: str,
    *,
    connections: int,
    duration: float,
    threads: int = 2,
    script: Path | None = None,
    headers: dict[str, str] | None = None,
    timeout: str = "30s",
) -> WrkResult:
    wrk = require_wrk()
    args = [
        wrk,
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{max(round(duration), 1)}s",
        "--latency",
    ]
    args += ["--timeout", timeout]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    if script is not None:
        args += ["-s", str(script)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run(
        [*args, url], capture_output=True, text=True, timeout=duration + 90, check=True
    ).stdout
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    requests = re.search(r"(\d+) requests in", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return WrkResult(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=ms(latency["50"]) if "50" in latency else float("nan"),
        p99_ms=ms(latency["99"]) if "99" in latency else float("nan"),
        requests=int(requests.group(1)) if requests else 0,
        non2xx=int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)) else 0,
        errors=sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
        seconds=elapsed,
        cpu=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        output=out,
    )


def pids_cpu(pids: set[int]) -> float:
    """User + system CPU seconds of these processes (those that have exited count as 0)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def busy_share(before: tuple[int, int], after: tuple[int, int]) -> float:
    busy, total = (a - b for a, b in zip(after, before, strict=True))
    return busy / max(total, 1)


def wait_for_quiet(limit: float) -> str:
    """Wait (at most ``limit`` seconds) until the CPUs were ≥ 80 % idle over 2 s: other agents share
    this 2-core machine, and a figure taken while their tests run says more about them than about us."""
    deadline = time.time() + limit
    while True:
        before = machine_ticks()
        time.sleep(2)
        idle = 1 - busy_share(before, machine_ticks())
        if idle >= 0.8:
            return f"开始前空闲 {idle:.0%}"
        if time.time() >= deadline:
            return f"等待 {limit:.0f} 秒后机器仍忙（空闲 {idle:.0%}），照常测量"


def children_cpu(master_pid: int) -> float:
    """User + system CPU of the gunicorn workers (children of the master), from /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:  # field 4 (ppid) is index 1 after the command name
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def page_client(user):
    """A Django test client logged in as ``user``, with this process rendering pages as a production worker
    does: DEBUG off, and without ``setup_test_environment``'s template instrumentation — it sends a signal
    on every template render for which the test client copies the whole context (a list page's rendering
    measured ≈ 1.5× slower with it)."""
    from django.conf import settings
    from django.test import Client

    settings.DEBUG = False
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    return client


def current_database_url() -> str:
    """The URL of the database this process's Django ``default`` connection uses (a bench may have
    switched it to its own database), for a server started beside it."""
    from django.db import connection

    d = connection.settings_dict
    auth = d.get("USER") or "postgres"
    if d.get("PASSWORD"):
        auth += ":" + urllib.parse.quote(d["PASSWORD"], safe="")
    return f"postgres://{auth}@{d.get('HOST') or '127.0.0.1'}:{d.get('PORT') or 5432}/{d['NAME']}"


def this_process_keys() -> dict[str, str]:
    """This process's keys as the environment variables of a production server: a server started beside
    it reads the data it wrote and accepts the links it signed (keyset cursors)."""
    from django.conf import settings

    return {
        **production_keys(),
        "GONGHUI_SECRET_KEY": settings.SECRET_KEY,
        "GONGHUI_FIELD_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "GONGHUI_HASH_KEY": settings.LOOKUP_HASH_KEY,
    }


@contextlib.contextmanager
def served(database_url: str, *, workers: int = 1):
    """A production gunicorn (sync workers, this process's keys, connections kept) on ``database_url``
    for the duration of the block; yields its base URL."""
    tmp = Path(tempfile.mkdtemp(prefix="gh-bench-served-"))
    env = production_env(tmp / "var", database_url, this_process_keys(), GONGHUI_CONN_MAX_AGE="60")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_gunicorn(env, port, tmp / "gunicorn.log", workers=workers)
    try:
        wait_up(base + "/accounts/login/", log=tmp / "gunicorn.log")
        yield base
    finally:
        stop_gunicorn(proc)
        shutil.rmtree(tmp, ignore_errors=True)


def median_get_ms(url: str, cookie: str, runs: int) -> float:
    """Median wall time of ``runs`` GETs of ``url`` (after one to warm up), each answered 200: what the
    user waits for, HTTP over loopback included (≈ 1 ms)."""
    times = []
    for i in range(runs + 1):
        started = time.perf_counter()
        status, _ = get(url, cookie)
        if status != 200:
            raise RuntimeError(f"{url} 返回 {status}")
        if i:
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)
