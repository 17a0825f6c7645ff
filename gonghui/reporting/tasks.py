"""The daily reminder run on the django-tasks worker (``gonghui.core.schedule``): 07:30 every day."""

import datetime as dt

from django_tasks import task

from gonghui.core import schedule

from .reminders import send_reminders


@schedule.periodic(at=dt.time(7, 30))
@task()
def send_report_reminders_task() -> dict[str, int]:
    try:
        return send_reminders()
    finally:
        schedule.ensure_scheduled(only=send_report_reminders_task)
