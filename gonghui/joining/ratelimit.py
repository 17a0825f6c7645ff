"""Fixed-window rate limits on the public pages, kept in Django's cache.

Limits are ``(count, seconds)`` pairs in the setting ``GONGHUI_JOIN_RATE_LIMITS`` (merged over the
defaults below). The client address is ``core.net.client_ip``, as in the audit log: REMOTE_ADDR, or the
right-most untrusted X-Forwarded-For hop when REMOTE_ADDR is one of ``GONGHUI_TRUSTED_PROXIES`` (left
empty, anybody could otherwise pick a fresh address per request).

In a multi-process deployment the counters must be shared: with ``GONGHUI_REDIS_URL`` set they live in
Redis (one round trip per check: SET NX EX + INCR in a pipeline); otherwise in Django's cache, whose
default local-memory backend counts per process (demo, tests). Keys carry a keyed hash of the address or
ID number, not the value: Redis may be dumped to disk and ID numbers are personal data.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from gonghui.core import crypto, net

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "apply_ip": (30, 3600),  # submissions per address per hour (a shared office or dormitory NAT)
    "apply_id": (5, 86400),  # submissions per ID number per day
    "status_ip": (60, 3600),
    "status_id": (10, 86400),  # status checks per ID per day: the 6 random digits cannot be guessed
    "search_ip": (300, 600),
}


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

    return redis.Redis.from_url(url)


def _key(kind: str, key: str) -> str:
    return f"gh-join-rl:{kind}:{crypto.lookup_hash('ratelimit', key)[:32]}"


def allow(kind: str, key: str) -> bool:
    """Count one hit of ``kind`` for ``key``; False once the window's limit is passed."""
    return allow_all([(kind, key)])


def allow_all(checks: list[tuple[str, str]]) -> bool:
    """Count one hit for each ``(kind, key)``, in one Redis round trip; False if any limit is passed."""
    table = limits()
    client = _redis()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        for kind, key in checks:
            pipe.set(_key(kind, key), 0, ex=table[kind][1], nx=True)  # the window starts with the first hit
            pipe.incr(_key(kind, key))
        hits = pipe.execute()[1::2]
        return all(n <= table[kind][0] for n, (kind, _key_) in zip(hits, checks, strict=True))
    allowed = True
    for kind, key in checks:
        count, seconds = table[kind]
        cache_key = _key(kind, key)
        cache.add(cache_key, 0, seconds)
        try:
            hits = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, seconds)
            hits = 1
        allowed = allowed and hits <= count
    return allowed
