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
COPY_CUT = "COPY cannot be mixed with other operations"  # psycopg's words
T = TypeVar("T")


def connection_lost(exc: BaseException | None) -> bool:
    """The error means the server went away (or refuses writes: a demoted node), not that the SQL was
    wrong. Django's wrapped errors and psycopg's own (code that drives the driver directly, such as the
    member import's COPY) alike."""
    import psycopg

    for error in (exc, getattr(exc, "__cause__", None)):
        if error is None:
            continue
        if isinstance(error, InterfaceError | psycopg.InterfaceError):
            return True
        state = getattr(error, "sqlstate", None) or ""
        # A deadlock, a serialization failure (class 40), a statement timeout (57014): the server is there.
        if state.startswith("40") or state == "57014":
            return False
        # Class 08 (connection exception: pgbouncer's "server conn crashed?" is 08P01), 57P (the server
        # shutting down or crashed), 25006 (a write refused by a standby); psycopg's client-side errors
        # ("the connection is closed", "connection failed") carry no SQLSTATE.
        if state.startswith(("08", "57P")) or state == "25006":
            return True
        if isinstance(error, psycopg.OperationalError) and not state:
            return True
        # A COPY is one statement; psycopg says it was "mixed with other operations" when the answer held
        # more (or fewer) results than one — what pgbouncer sends when its server connection dies under the
        # COPY (its error, then the client connection carries on, re-pointed to the new primary). Our code
        # never sends anything beside a COPY.
        if isinstance(error, psycopg.ProgrammingError) and str(error) == COPY_CUT:
            return True
        if isinstance(error, OperationalError) and error.__cause__ is None:
            text = str(error).lower()
            return "connection" in text or "server" in text
    return False


def connection_broken(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """After an error the driver did not name as a lost connection, is the connection itself gone? psycopg
    answers a server that vanished under a COPY with "COPY cannot be mixed with other operations" (a
    ProgrammingError). Django closes a connection whose rollback failed; an open one is asked SELECT 1.
    Inside a transaction nothing can be told (an aborted transaction refuses the probe too)."""
    conn = connections[alias]
    if conn.in_atomic_block:
        return False
    if conn.connection is None:
        return True
    return not conn.is_usable()


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
