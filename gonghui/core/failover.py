"""Riding out a primary that dies (issue 17): the connection it held is broken, a new one reaches the new
primary through the multi-host DATABASE_URL once the standby is promoted (seconds with pg_auto_failover).

Code outside a request — the background worker, an import job recording its own failure — calls
``retry_after_failover`` around the write that must land: the broken connection is closed and the write
tried again, with a growing pause, for up to DATABASE_RECONNECT_SECONDS. Requests do not wait here: they
answer 503 「请稍后重试」 (``core.replica``), the user decides.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

log = logging.getLogger("gonghui.failover")
T = TypeVar("T")


def connection_lost(exc: BaseException | None) -> bool:
    """The error means the server went away (or refused to take writes), not that the SQL was wrong."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    # psycopg: OperationalError proper (connection failures) and ReadOnlySqlTransaction (a demoted node)
    name = type(cause).__name__ if cause is not None else ""
    return name in {"OperationalError", "ReadOnlySqlTransaction", "AdminShutdown", "CrashShutdown"} or (
        "connection" in str(exc).lower() or "server closed" in str(exc).lower()
    )


def drop_broken(alias: str = DEFAULT_DB_ALIAS) -> None:
    """Close the alias's connection so that the next query connects anew (outside a transaction only)."""
    conn = connections[alias]
    if conn.in_atomic_block:
        return
    with contextlib.suppress(Exception):
        conn.close()


def retry_after_failover(
    fn: Callable[[], T], *, alias: str = DEFAULT_DB_ALIAS, within: float | None = None
) -> T:
    """``fn()``, tried again on a lost connection until it works or ``within`` seconds have passed."""
    deadline = time.monotonic() + (settings.DATABASE_RECONNECT_SECONDS if within is None else within)
    pause = 0.25
    while True:
        try:
            return fn()
        except (OperationalError, InterfaceError) as exc:
            if connections[alias].in_atomic_block or time.monotonic() >= deadline or not connection_lost(exc):
                raise
            log.warning("数据库连接中断，%.1f 秒后重连：%s", pause, exc)
            drop_broken(alias)
            time.sleep(pause)
            pause = min(pause * 2, 2.0)
