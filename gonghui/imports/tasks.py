"""Background tasks (django-tasks; the worker is ``manage.py db_worker``) and their scheduling.

The work itself is in ``jobs``; this module queues and schedules it, and ``services`` calls this one
(services → tasks → jobs, never back).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django_tasks import task

from gonghui.core import schedule
from gonghui.core.exports import view_path
from gonghui.core.scope import home_node

from . import jobs
from .models import ExportJob, ImportJob


def _run(job_id: int, dry_run: bool) -> dict:
    job = ImportJob.objects.select_related("user", "default_union", "scope").get(pk=job_id)
    # run_job finishes the job (失败 with a Chinese reason) whatever happens, then re-raises an
    # unexpected error so that the task is recorded as failed too.
    result = jobs.run_job(job, dry_run=dry_run)
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
    died are marked failed, then the next check is scheduled (see schedule_reaper)."""
    marked = jobs.reap_stale_jobs()
    schedule_reaper()
    return marked


@task()
def run_export(job_id: int) -> int:
    rows = jobs.run_export_job(job_id)
    schedule_purge()
    return rows


@schedule.periodic(every=dt.timedelta(hours=settings.FILE_PURGE_INTERVAL_HOURS))
@task()
def purge_expired_files_task() -> dict[str, int]:
    """Delete uploads, reports and exports past FILE_RETENTION_DAYS, then wait for the next round
    (every FILE_PURGE_INTERVAL_HOURS; see gonghui.core.schedule)."""
    try:
        return jobs.purge_expired_files()
    finally:
        schedule.ensure_scheduled(only=purge_expired_files_task)


def schedule_purge() -> None:
    """Files now exist that must go after the retention period: make sure the worker will look."""
    transaction.on_commit(lambda: schedule.ensure_scheduled(only=purge_expired_files_task))


def schedule_reaper() -> None:
    """Keep one 「reap dead imports」 task waiting in the worker's queue, due in IMPORT_REAP_SECONDS, as
    long as an import is queued or running: with the stale threshold that marks a dead job failed within
    a minute even when nobody looks at it. Backends that cannot defer a task (the immediate one of the
    tests and the demo) have no worker to die (``core.schedule`` schedules nothing there)."""
    if ImportJob.objects.filter(status__in=(ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)).exists():
        schedule.ensure_scheduled(only=reap_dead_imports)


def start_export(request, view, *, title: str, params: str, fmt: str, full: bool):
    """The background exporter registered with ``core.exports``: an export above EXPORT_SYNC_MAX_ROWS
    becomes an ExportJob run by the worker; the user is sent to its page, which polls."""
    scope = home_node(request.user)
    if scope is None:
        raise PermissionDenied("您的账号未分配所属工会，不能导出")
    job = ExportJob.objects.create(
        user=request.user,
        scope=scope,
        title=title,
        view_path=view_path(view),
        params=params,
        fmt=fmt,
        full=full,
    )
    run_export.enqueue(job.pk)
    return redirect(job.get_absolute_url())
