"""Background task (django-tasks): bring the unorganised lists up to date every hour — the employers
online applicants named go on their county's list, newly imported entries are listed, and items whose
workplace has been covered meanwhile are ticked off (``worklist.refresh_list``; the 更新清单 button and
``manage.py refresh_worklist`` do the same at once)."""

import dataclasses
import datetime as dt

from django_tasks import task

from gonghui.core import schedule

from .worklist import refresh_list


@schedule.periodic(every=dt.timedelta(hours=1))
@task()
def refresh_worklist_task() -> dict[str, int]:
    try:
        return dataclasses.asdict(refresh_list())
    finally:
        schedule.ensure_scheduled(only=refresh_worklist_task)
