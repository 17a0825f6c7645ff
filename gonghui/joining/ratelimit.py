"""Fixed-window rate limits on the public pages, shared by every worker process.

Limits are ``(count, seconds)`` pairs in the setting ``GONGHUI_JOIN_RATE_LIMITS`` (merged over the
defaults below). The client address is ``core.net.client_ip``, as in the audit log: REMOTE_ADDR, or the
right-most untrusted X-Forwarded-For hop when REMOTE_ADDR is one of ``GONGHUI_TRUSTED_PROXIES`` (left
empty, anybody could otherwise pick a fresh address per request).

The counters live where every worker sees them:

- in Redis when ``GONGHUI_REDIS_URL`` is set (one round trip per check: SET NX EX + INCR in a pipeline);
- in the database otherwise, and whenever Redis cannot be reached: table ``RateCounter``, one row per
  (kind, key, window), all the checks of a request counted by one ``INSERT … ON CONFLICT DO UPDATE …
  RETURNING`` statement (PostgreSQL and SQLite alike). A dead Redis is logged as a warning (at most once a
  minute per process) and not tried again for ``REDIS_RETRY_SECONDS``, so the public pages keep
  answering at the database's pace instead of failing.

Keys carry a keyed hash of the address or ID number, not the value: Redis may be dumped to disk, the
table backed up, and ID numbers are personal data.
"""

from __future__ import annotations

import functools
import random
import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from gonghui.core import crypto, net

from . import sharedcache
from .models import RateCounter

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "apply_ip": (30, 3600),  # submissions per address per hour (a shared office or dormitory NAT)
    "apply_id": (5, 86400),  # submissions per ID number per day
    "status_ip": (60, 3600),
    "status_id": (10, 86400),  # status checks per ID per day: the 6 random digits cannot be guessed
    "search_ip": (300, 600),
}

REDIS_RETRY_SECONDS = 30.0  # after a failed round trip, Redis is left alone this long
PURGE_ONE_IN = 200  # one database check in this many also deletes the expired windows
_redis_down_until = [0.0]


def limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_LIMITS, **getattr(settings, "GONGHUI_JOIN_RATE_LIMITS", {})}


def client_ip(request: HttpRequest) -> str:
    """The address the limits count by: ``core.net.client_ip`` (X-Forwarded-For only from a trusted proxy)."""
    return net.client_ip(request) or "unknown"


@functools.cache
def _redis():
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return None
    import redis

    timeout = float(getattr(settings, "GONGHUI_REDIS_TIMEOUT", 0.5))
    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)


def _hash(key: str) -> str:
    return crypto.lookup_hash("ratelimit", key)[:32]


def _key(kind: str, key: str) -> str:
    return f"gh-join-rl:{kind}:{_hash(key)}"


def allow(kind: str, key: str) -> bool:
    """Count one hit of ``kind`` for ``key``; False once the window's limit is passed."""
    return allow_all([(kind, key)])


def allow_all(checks: list[tuple[str, str]]) -> bool:
    """Count one hit for each ``(kind, key)`` in one round trip; False if any limit is passed."""
    table = limits()
    client = _redis()
    if client is not None and time.monotonic() >= _redis_down_until[0]:
        try:
            hits = _redis_hits(client, checks, table)
        except sharedcache.UNREACHABLE as exc:
            _redis_down_until[0] = time.monotonic() + REDIS_RETRY_SECONDS
            sharedcache.warn_unreachable("rate limits counted in the database", exc)
        else:
            return all(n <= table[kind][0] for n, (kind, _k) in zip(hits, checks, strict=True))
    counted = _database_hits(checks, table)
    return all(counted[kind] <= table[kind][0] for kind, _k in checks)


def _redis_hits(client, checks, table) -> list[int]:
    pipe = client.pipeline(transaction=False)
    for kind, key in checks:
        pipe.set(_key(kind, key), 0, ex=table[kind][1], nx=True)  # the window starts with the first hit
        pipe.incr(_key(kind, key))
    return pipe.execute()[1::2]


def _database_hits(checks: list[tuple[str, str]], table) -> dict[str, int]:
    """The hits of each kind's current window after counting this one: one statement for all checks.
    Each kind appears at most once in ``checks`` (ON CONFLICT may touch a row once per statement)."""
    now = int(time.time())
    rows, params = [], []
    for kind, key in checks:
        seconds = table[kind][1]
        window = now // seconds
        rows.append("(%s, %s, %s, 1, %s)")
        params += [kind, _hash(key), window, (window + 1) * seconds]
    qn = connection.ops.quote_name
    db_table = qn(RateCounter._meta.db_table)
    sql = (
        f"INSERT INTO {db_table} ({qn('kind')}, {qn('key')}, {qn('window')}, {qn('hits')}, {qn('expires')}) "
        f"VALUES {', '.join(rows)} "
        f"ON CONFLICT ({qn('kind')}, {qn('key')}, {qn('window')}) "
        f"DO UPDATE SET {qn('hits')} = {db_table}.{qn('hits')} + 1 "
        f"RETURNING {qn('kind')}, {qn('hits')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counted = dict(cursor.fetchall())
        if random.randrange(PURGE_ONE_IN) == 0:  # load spreading, not security
            cursor.execute(f"DELETE FROM {db_table} WHERE {qn('expires')} < %s", [now])
    return counted
