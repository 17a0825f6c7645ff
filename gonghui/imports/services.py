"""Import jobs, as a user (a page, a command) acts on them: store an upload and open its job, confirm a
previewed import, retry a failed one, queue a job for the background worker.

The web flow (preview → confirm → background task), the background task and the management commands
all run the job through ``jobs.run_job``.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.scope import home_node

from . import tasks
from .jobs import sha256_of
from .models import ImportJob, ImportRowError


def create_job(
    user, kind: str, path: Path | str, file_name: str, default_union=None, options: dict | None = None
) -> ImportJob:
    """Store a sealed copy of the file (PRIVATE_FILES_ROOT, deleted after the retention period) and open
    a job for it."""
    path = Path(path)
    scope = default_union if getattr(user, "is_superuser", False) and default_union else home_node(user)
    if scope is None:
        raise PermissionDenied("您的账号未分配所属工会，不能导入")
    job = ImportJob(
        kind=kind,
        user=user if getattr(user, "pk", None) else None,
        scope=scope,
        default_union=default_union,
        options=options or {},
        file_name=file_name[:255],
        sha256=sha256_of(path),
        size=path.stat().st_size,
    )
    with open(path, "rb") as handle:
        job.file.save(Path(file_name).name or "upload", File(handle), save=False)
    job.save()
    tasks.schedule_purge()
    return job


def confirm_job(job: ImportJob, skip_invalid: bool, actor=None, ip: str | None = None) -> None:
    """The user confirms a previewed import: it is queued to run for real. A file with row errors is only
    imported with ``skip_invalid`` (「跳过 N 行错误，仅导入 M 行」), and that choice is recorded on the job
    and in the audit log."""
    if job.status != ImportJob.Status.PREVIEWED or job.committed:
        raise ValueError("该导入不处于可确认状态")
    if job.errors and not skip_invalid:
        raise ValueError(
            f"该文件有 {job.errors} 行错误，默认整个文件不导入：请修改后重新上传，"
            f"或勾选「跳过 {job.errors} 行错误，仅导入 {job.valid_rows} 行」再确认"
        )
    job.status = ImportJob.Status.QUEUED
    job.progress = 0
    job.stage = "等待导入"
    job.skip_invalid = bool(job.errors) and skip_invalid
    job.confirmed_at = timezone.now()
    detail = (
        f"确认导入（跳过 {job.errors} 行错误，导入 {job.valid_rows} 行）" if job.skip_invalid else "确认导入"
    )
    with transaction.atomic():
        job.save(update_fields=["status", "progress", "stage", "skip_invalid", "confirmed_at"])
        audit.log(AuditEvent.Action.OTHER, job, actor=actor, ip=ip, detail=detail)
    enqueue_job(job)


def retry_job(job: ImportJob, user=None, ip: str | None = None) -> ImportJob:
    """Put a failed job back to run again from its stored upload, in the mode it failed in: a preview
    again, or the confirmed import (with the same 跳过错误行 choice). The caller runs or enqueues it."""
    if refusal := job.retry_refusal():
        raise ValueError(refusal)
    with transaction.atomic():
        ImportRowError.objects.filter(job=job).delete()
        job.status = ImportJob.Status.QUEUED
        job.progress = 0
        job.stage = "等待重试"
        job.message = ""
        job.finished_at = None
        job.heartbeat_at = timezone.now()
        job.retries += 1
        for key in ("rows", "created", "updated", "skipped", "errors"):
            setattr(job, key, 0)
        job.committed = False
        job.save()
        audit.log(AuditEvent.Action.OTHER, job, actor=user, ip=ip, detail=f"重试导入（第 {job.retries} 次）")
    return job


def enqueue_job(job: ImportJob) -> None:
    """Queue the preview (or, once confirmed, the import) of a job in the background worker."""
    task = tasks.run_import if job.confirmed_at else tasks.run_preview
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    result = task.enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(task_id=str(result.id))
    tasks.schedule_reaper()
