"""Django's cache for the public pages, surviving a dead Redis.

The public pages keep a few things in the cache (reference-data choices, the routing generation token):
each is an optimisation, so when the cache backend (Redis, ``GONGHUI_REDIS_URL``) cannot be reached the
page goes on without it (a miss, a write dropped) and a warning is logged, at most once a minute per
process, instead of answering 500.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache

log = logging.getLogger("gonghui.joining")

WARN_EVERY_SECONDS = 60.0
_last_warning = [float("-inf")]


def _errors() -> tuple[type[BaseException], ...]:
    try:
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover - redis is a pinned requirement
        return (OSError,)
    return (RedisError, OSError)


UNREACHABLE = _errors()


def warn_unreachable(what: str, exc: BaseException) -> None:
    """Log that the shared cache is unreachable, at most once every WARN_EVERY_SECONDS per process."""
    now = time.monotonic()
    if now - _last_warning[0] >= WARN_EVERY_SECONDS:
        _last_warning[0] = now
        log.warning("Redis unreachable (%s): %s; the public pages go on without it", what, exc)


def get(key: str, default=None):
    try:
        return cache.get(key, default)
    except UNREACHABLE as exc:
        warn_unreachable("cache read", exc)
        return default


def set(key: str, value, timeout) -> None:  # mirrors the cache API it wraps
    try:
        cache.set(key, value, timeout)
    except UNREACHABLE as exc:
        warn_unreachable("cache write", exc)
