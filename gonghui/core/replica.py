"""Read replica routing (issue 17): heavy read-only pages read the streaming replica, everything else the
primary.

A page opts in (``ReplicaReadMixin`` on a class-based view, ``replica_reads`` on a function view,
``use_replica()`` around worker code such as an export); the mark lives in a request-scoped context
variable that ``ReplicaMiddleware`` sets up, so templates rendered after the view returns read the same
database. ``ReplicaRouter`` sends a read to the replica only when

- the request (or block) is marked, and nothing in it has written yet (a page reads its own writes),
- the primary has no transaction open (reads inside a write transaction stay in it),
- the replica answers and its replay lag is within ``DATABASE_REPLICA_MAX_LAG`` seconds (measured with
  ``pg_last_xact_replay_timestamp()``, cached for ``DATABASE_REPLICA_CHECK_SECONDS`` per process).

Otherwise the primary serves the read, so a dead or lagging replica costs speed, never correctness. Writes
always go to the primary. Without ``DATABASE_REPLICA_URL`` the router is not installed at all.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

log = logging.getLogger("gonghui.replica")
REPLICA = "replica"


@dataclass
class ReplicaState:
    eligible: bool = False
    wrote: bool = False
    used: bool = False  # a read went to the replica
    as_of: dt.datetime | None = None  # the replica's last replayed commit, when it lagged
    lag: float = 0.0


_state: contextvars.ContextVar[ReplicaState | None] = contextvars.ContextVar("gonghui_replica", default=None)


@dataclass
class Health:
    ok: bool
    lag: float
    as_of: dt.datetime | None
    checked: float


_health: Health | None = None
_health_lock = threading.Lock()

# Lag in seconds: none while everything received has been replayed (an idle primary sends nothing, and
# the last replayed commit then ages without the replica being behind); otherwise the age of the last
# replayed commit. A replica that is really a primary (prefer-standby found no standby) lags nothing.
LAG_SQL = """
    SELECT pg_is_in_recovery(),
           CASE WHEN NOT pg_is_in_recovery() THEN 0
                WHEN pg_last_wal_receive_lsn() IS NOT NULL
                     AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END,
           pg_last_xact_replay_timestamp()
"""


def configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_health(force: bool = False) -> Health:
    """The replica's reachability and lag, asked at most every DATABASE_REPLICA_CHECK_SECONDS."""
    global _health
    now = time.monotonic()
    current = _health
    if not force and current is not None and now - current.checked < settings.DATABASE_REPLICA_CHECK_SECONDS:
        return current
    with _health_lock:
        if (
            not force
            and _health is not None
            and now - _health.checked < settings.DATABASE_REPLICA_CHECK_SECONDS
        ):
            return _health
        conn = connections[REPLICA]
        try:
            with conn.cursor() as cursor:
                cursor.execute(LAG_SQL)
                _, lag, as_of = cursor.fetchone()
            _health = Health(True, float(lag or 0), as_of, time.monotonic())
        except (OperationalError, InterfaceError) as exc:
            log.warning("只读副本不可用，读主库：%s", exc)
            with contextlib.suppress(Exception):
                conn.close()
            _health = Health(False, 0.0, None, time.monotonic())
        return _health


def _reset_health_for_tests() -> None:
    global _health
    _health = None


# Sessions, accounts, second factors, lockouts and the task queue are read from the primary even on a
# marked page: a login or a revoked session must count at once, not after the replica replays it.
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "accounts", "auth", "otp_totp", "otp_static", "axes", "django_tasks_db"}
)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        state = _state.get()
        if state is None or not state.eligible or state.wrote:
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        health = replica_health()
        if not health.ok or health.lag > settings.DATABASE_REPLICA_MAX_LAG:
            return None
        state.used = True
        state.lag = max(state.lag, health.lag)
        if health.lag > settings.DATABASE_REPLICA_NOTICE_LAG and health.as_of is not None:
            state.as_of = health.as_of if state.as_of is None else min(state.as_of, health.as_of)
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        state = _state.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS  # the replica follows by streaming


def current() -> ReplicaState | None:
    return _state.get()


def _note_raw_writes(state: ReplicaState):
    """An execute wrapper on the primary's connection: any statement other than a plain SELECT (raw SQL
    that fills a cache table, an ORM write the router did not see) marks the request as having written,
    so its later reads stay on the primary and see what it wrote."""

    def wrapper(execute, sql, params, many, context):
        if not state.wrote and not str(sql).lstrip()[:6].upper().startswith("SELECT"):
            state.wrote = True
        return execute(sql, params, many, context)

    return wrapper


@contextlib.contextmanager
def _scope(state: ReplicaState) -> Iterator[ReplicaState]:
    token = _state.set(state)
    try:
        if configured():
            with connections[DEFAULT_DB_ALIAS].execute_wrapper(_note_raw_writes(state)):
                yield state
        else:
            yield state
    finally:
        _state.reset(token)


@contextlib.contextmanager
def use_replica() -> Iterator[ReplicaState]:
    """Mark the reads of this block replica-eligible (outside a request: an export in the worker)."""
    with _scope(ReplicaState(eligible=True)) as state:
        yield state


def mark_request() -> None:
    state = _state.get()
    if state is not None:
        state.eligible = True


def replica_reads(view: Callable) -> Callable:
    """A function view whose GET/HEAD may read the replica."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            mark_request()
        return view(request, *args, **kwargs)

    return wrapped


class ReplicaReadMixin:
    """A class-based view whose GET/HEAD may read the replica (put it first among the bases)."""

    def dispatch(self, request, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            mark_request()
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


UNAVAILABLE_MESSAGE = "数据库正在切换或暂时不可用，本次操作未完成，请稍后重试。"


class ReplicaMiddleware:
    """A fresh replica state per request, kept until the response is rendered; and a database that cannot
    be reached (a primary that died mid-request) answers 503 「请稍后重试」: the transaction was rolled back,
    nothing was saved, and the broken connection is closed at the end of the request so the next request
    connects anew (to the new primary, through the multi-host URL)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with _scope(ReplicaState()):
            return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_unavailable(exception):
            return None
        log.warning("数据库不可用（%s %s）：%s", request.method, request.path, exception)
        for conn in connections.all(initialized_only=True):
            if conn.connection is not None and not conn.in_atomic_block:
                with contextlib.suppress(Exception):
                    if not conn.is_usable():
                        conn.close()
        return unavailable_response(request)


def is_unavailable(exc: BaseException | None) -> bool:
    """The database went away (not a deadlock, a timeout or SQLite's locked file: those stay 500s)."""
    from . import failover

    return failover.connection_lost(exc)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with 「请稍后重试」; as JSON under /api/. Rendered without context processors."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": UNAVAILABLE_MESSAGE}, status=503)
    else:
        body = render_to_string("core/db_unavailable.html", {"message": UNAVAILABLE_MESSAGE})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = "5"
    return response
