"""Background tasks (django-tasks; the worker is ``manage.py db_worker``)."""

import datetime as dt

from django.conf import settings
from django_tasks import task

from gonghui.core import schedule

from .models import ImportJob


@task()
def run_preview(job_id: int) -> dict:
    """The dry run behind the preview page: read, validate, report — nothing is written."""
    from .services import run_job

    job = ImportJob.objects.select_related("user", "default_union", "scope").get(pk=job_id)
    result = run_job(job, dry_run=True)
    return result.as_json() if result else {"refused": True}


@task()
def run_import(job_id: int) -> dict:
    from .services import run_job

    job = ImportJob.objects.select_related("user", "default_union", "scope").get(pk=job_id)
    result = run_job(job, dry_run=False)
    return result.as_json() if result else {"refused": True}


@task()
def run_export(job_id: int) -> int:
    from .services import run_export_job

    return run_export_job(job_id)


@schedule.periodic(every=dt.timedelta(hours=settings.FILE_PURGE_INTERVAL_HOURS))
@task()
def purge_expired_files_task() -> dict[str, int]:
    """Delete uploads, reports and exports past FILE_RETENTION_DAYS, then wait for the next round
    (every FILE_PURGE_INTERVAL_HOURS; see gonghui.core.schedule)."""
    from .services import purge_expired_files

    try:
        return purge_expired_files()
    finally:
        schedule.ensure_scheduled(only=purge_expired_files_task)
