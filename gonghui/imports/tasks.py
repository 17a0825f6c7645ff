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
