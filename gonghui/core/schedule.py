"""Periodic background work on the django-tasks worker, without cron.

A periodic task is a django-tasks task registered here with the local time of day it runs (``at``) or
the interval between runs (``every``). Each run enqueues its successor (``run_after`` the next such
time) when it finishes, and code that creates work for a task may call ``ensure_scheduled(only=task)``; ``ensure_scheduled()`` —
run by ``manage.py schedule_tasks`` when the worker is started (``make demo``, the deployment's worker
service) — enqueues a first run for any periodic task that has none pending. Calling it again is harmless.

At most one run of a task waits at a time, so several callers or a restarted chain never pile up
copies. Backends that cannot defer (the immediate backend of tests) get nothing scheduled: there the
management command or the test calls the work directly.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.utils import timezone

if TYPE_CHECKING:
    from django_tasks.base import Task

log = logging.getLogger("gonghui.schedule")

When = dt.time | dt.timedelta  # a local time of day, or the interval between runs
_PERIODIC: dict[str, tuple[Task, When]] = {}


def periodic(at: dt.time | None = None, every: dt.timedelta | None = None):
    """Register a django-tasks ``Task`` to run every day at ``at`` (local time) or every ``every``."""
    when: When
    if at is not None and every is None:
        when = at
    elif every is not None and at is None:
        when = every
    else:
        raise ValueError("periodic() takes one of at= and every=")

    def register(task: Task) -> Task:
        _PERIODIC[task.module_path] = (task, when)
        return task

    return register


def registered() -> dict[str, When]:
    return {path: when for path, (_task, when) in _PERIODIC.items()}


def task_for(path: str) -> Task | None:
    """The registered periodic task of ``path`` (the system administrator's 「立即运行」), or None."""
    entry = _PERIODIC.get(path)
    return entry[0] if entry is not None else None


def describe(when: When) -> str:
    if isinstance(when, dt.timedelta):
        seconds = when.total_seconds()
        if seconds < 60:
            return f"每 {seconds:g} 秒"
        if seconds < 3600:
            return f"每 {seconds / 60:g} 分钟"
        return f"每 {seconds / 3600:g} 小时"
    return f"每天 {when:%H:%M}"


def next_run(when: When, now: dt.datetime | None = None) -> dt.datetime:
    """The next run strictly after ``now``: the next local ``when`` o'clock, or ``now + when``."""
    now = timezone.localtime(now or timezone.now())
    if isinstance(when, dt.timedelta):
        return now + when
    candidate = now.replace(hour=when.hour, minute=when.minute, second=0, microsecond=0)
    if candidate <= now:
        candidate = timezone.make_aware(dt.datetime.combine(now.date() + dt.timedelta(days=1), when))
    return candidate


def _pending(task) -> bool:
    """A run of ``task`` is waiting in the database backend."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=task.module_path, status=TaskResultStatus.READY, backend_name=backend.alias
    ).exists()


def ensure_scheduled(only=None, now: dt.datetime | None = None) -> list[str]:
    """Enqueue the next run of every periodic task (or only ``only``) that has none pending; returns
    the paths of the tasks enqueued."""
    enqueued = []
    for path, (task, when) in _PERIODIC.items():
        if only is not None and path != only.module_path:
            continue
        if not task.get_backend().supports_defer or _pending(task):
            continue
        run_at = next_run(when, now)
        task.using(run_after=run_at).enqueue()
        log.info("已安排定时任务 %s 于 %s 运行", path, run_at)
        enqueued.append(path)
    return enqueued
