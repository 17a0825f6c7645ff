"""Background tasks (django-tasks; the worker is ``manage.py db_worker``)."""

from django_tasks import task

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


@task()
def purge_expired_files_task() -> dict[str, int]:
    """Delete uploads, reports and exports past FILE_RETENTION_DAYS, then wait for the next round
    (every FILE_PURGE_INTERVAL_HOURS; see gonghui.core.periodic)."""
    import datetime as dt

    from django.conf import settings

    from gonghui.core import periodic

    from .services import purge_expired_files

    try:
        return purge_expired_files()
    finally:
        periodic.schedule(purge_expired_files_task, dt.timedelta(hours=settings.FILE_PURGE_INTERVAL_HOURS))
