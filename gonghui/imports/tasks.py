"""Background tasks (django-tasks; the worker is ``manage.py db_worker``)."""

import datetime as dt

from django.conf import settings
from django_tasks import task

from gonghui.core import schedule

from .models import ImportJob


def _run(job_id: int, dry_run: bool) -> dict:
    from .services import run_job

    job = ImportJob.objects.select_related("user", "default_union", "scope").get(pk=job_id)
    # run_job finishes the job (失败 with a Chinese reason) whatever happens, then re-raises an
    # unexpected error so that the task is recorded as failed too.
    result = run_job(job, dry_run=dry_run)
    if result is None:
        job.refresh_from_db(fields=["message"])
        return {"refused": True, "error": job.message}
    return result.as_json()


@task()
def run_preview(job_id: int) -> dict:
    """The dry run behind the preview page: read, validate, report — nothing is written."""
    return _run(job_id, dry_run=True)


@task()
def run_import(job_id: int) -> dict:
    return _run(job_id, dry_run=False)


@schedule.periodic(every=dt.timedelta(seconds=settings.IMPORT_REAP_SECONDS))
@task()
def reap_dead_imports() -> list[int]:
    """In the worker, every IMPORT_REAP_SECONDS while imports are queued or running: jobs whose process
    died are marked failed, then the next check is scheduled (see services.schedule_reaper)."""
    from .services import reap_stale_jobs, schedule_reaper

    marked = reap_stale_jobs()
    schedule_reaper()
    return marked


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
