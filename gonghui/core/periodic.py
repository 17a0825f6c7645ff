"""Periodic work on the task worker (django-tasks has no scheduler): a task re-enqueues itself with a
``run_after`` when it finishes, and the places that create work for it make sure one is waiting.

At most one instance waits at a time (checked in the database backend's queue), so several callers
or a restarted chain never pile up copies. Backends that cannot defer (the immediate backend of the
tests) schedule nothing: there the management command or the test calls the work directly.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import TaskResultStatus


def waiting(task) -> bool:
    """An instance of ``task`` is queued and not yet started."""
    backend = task.get_backend()
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is in requirements.txt
        return False
    if not isinstance(backend, DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=task.module_path, status=TaskResultStatus.READY, backend_name=backend.alias
    ).exists()


def schedule(task, after: dt.timedelta = dt.timedelta(0)) -> bool:
    """Enqueue ``task`` (no arguments) to run ``after`` from now unless one is already waiting."""
    if not task.get_backend().supports_defer or waiting(task):
        return False
    task.using(run_after=timezone.now() + after).enqueue()
    return True
