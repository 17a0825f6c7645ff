"""Background tasks (django-tasks; the worker is ``manage.py db_worker``)."""

from django_tasks import task

from .models import ImportJob


@task()
def run_import(job_id: int) -> dict:
    from .services import run_job

    job = ImportJob.objects.select_related("user", "default_union", "scope").get(pk=job_id)
    result = run_job(job, dry_run=False)
    return result.as_json() if result else {"refused": True}
