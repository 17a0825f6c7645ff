"""Background tasks (django-tasks): the same work as the management command, for the task worker.

``auto_confirm_transfers_task`` is periodic (gonghui.core.schedule): every day at 01:00 the worker
confirms the transfers left unanswered past their deadline, then enqueues the next day's run."""

import datetime as dt

from django_tasks import task

from gonghui.core import schedule

from .services import auto_confirm_transfers


@schedule.periodic(at=dt.time(1, 0))
@task()
def auto_confirm_transfers_task() -> dict[str, int]:
    try:
        return auto_confirm_transfers()
    finally:
        schedule.ensure_scheduled(only=auto_confirm_transfers_task)
