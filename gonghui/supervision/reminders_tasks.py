"""Background task (django-tasks): 发送督导提醒, every day at 07:30 (``core.schedule``); the system
administrator's console can run it at once, and ``manage.py send_reminders`` does the same by hand."""

import datetime as dt

from django_tasks import task

from gonghui.core import schedule

from .reminders import send_reminders


@schedule.periodic(at=dt.time(7, 30))
@task()
def send_reminders_task() -> dict[str, int]:
    try:
        return send_reminders()
    finally:
        schedule.ensure_scheduled(only=send_reminders_task)
