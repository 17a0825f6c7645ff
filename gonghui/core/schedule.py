"""Periodic background work on the django-tasks worker, without cron.

A periodic task is a django-tasks task registered here with the local time of day it runs. Each run
enqueues its successor (``run_after`` the next such time) when it finishes; ``ensure_scheduled()`` —
run by ``manage.py schedule_tasks`` when the worker is started (``make demo``, the deployment's worker
service) — enqueues a first run for any periodic task that has none pending. Calling it again is harmless.

Backends that cannot defer (the immediate backend of tests) get nothing scheduled.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

log = logging.getLogger("gonghui.schedule")

_PERIODIC: dict[str, tuple[object, dt.time]] = {}


def periodic(at: dt.time):
    """Register a django-tasks ``Task`` to run every day at ``at`` (local time)."""

    def register(task):
        _PERIODIC[task.module_path] = (task, at)
        return task

    return register


def registered() -> dict[str, dt.time]:
    return {path: at for path, (_task, at) in _PERIODIC.items()}


def next_run(at: dt.time, now: dt.datetime | None = None) -> dt.datetime:
    """The next local ``at`` strictly after ``now``."""
    now = timezone.localtime(now or timezone.now())
    candidate = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if candidate <= now:
        candidate = timezone.make_aware(dt.datetime.combine(now.date() + dt.timedelta(days=1), at))
    return candidate


def _pending(task) -> bool:
    """A run of ``task`` is waiting in the database backend."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(task_path=task.module_path, status=TaskResultStatus.READY).exists()


def ensure_scheduled(only=None, now: dt.datetime | None = None) -> list[str]:
    """Enqueue the next run of every periodic task (or only ``only``) that has none pending; returns
    the paths of the tasks enqueued."""
    enqueued = []
    for path, (task, at) in _PERIODIC.items():
        if only is not None and path != only.module_path:
            continue
        if not task.get_backend().supports_defer or _pending(task):
            continue
        when = next_run(at, now)
        task.using(run_after=when).enqueue()
        log.info("已安排定时任务 %s 于 %s 运行", path, when)
        enqueued.append(path)
    return enqueued
