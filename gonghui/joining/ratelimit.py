"""Fixed-window rate limits on the public pages, kept in Django's cache.

Limits are ``(count, seconds)`` pairs in the setting ``GONGHUI_JOIN_RATE_LIMITS`` (merged over the
defaults below). The client address is REMOTE_ADDR; the first X-Forwarded-For hop is used only when
``GONGHUI_JOIN_TRUST_X_FORWARDED_FOR`` is True (set it only behind a reverse proxy that overwrites the
header, or anybody can pick a fresh address per request). In a multi-process deployment the cache must
be shared (database or Redis cache): the default local-memory cache counts per process.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

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
    if getattr(settings, "GONGHUI_JOIN_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow(kind: str, key: str) -> bool:
    """Count one hit of ``kind`` for ``key``; False once the window's limit is passed."""
    count, seconds = limits()[kind]
    cache_key = f"gh-join-rl:{kind}:{key}"
    cache.add(cache_key, 0, seconds)
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, seconds)
        hits = 1
    return hits <= count
