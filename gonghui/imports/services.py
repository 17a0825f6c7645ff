"""Import jobs: store the upload, run the pipeline, record counts, errors and the report.

The web flow (preview → confirm → background task), the background task and the management
commands all go through ``run_job``.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from gonghui.core.scope import home_node

from .columns import HeaderError
from .models import ImportJob, ImportRowError
from .pipeline import Result, importer_for
from .reader import UnreadableFile, read_table
from .report import write_report

log = logging.getLogger("gonghui.imports")
MAX_STORED_ERRORS = 20000  # row errors kept in the database per job; the report has them all


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def create_job(user, kind: str, path: Path | str, file_name: str, default_union=None) -> ImportJob:
    """Store a copy of the file under MEDIA_ROOT and open a job for it."""
    path = Path(path)
    scope = default_union if getattr(user, "is_superuser", False) and default_union else home_node(user)
    if scope is None:
        raise PermissionDenied("您的账号未分配所属工会，不能导入")
    job = ImportJob(
        kind=kind,
        user=user if getattr(user, "pk", None) else None,
        scope=scope,
        default_union=default_union,
        file_name=file_name[:255],
        sha256=sha256_of(path),
        size=path.stat().st_size,
    )
    with open(path, "rb") as handle:
        job.file.save(Path(file_name).name or "upload", File(handle), save=False)
    job.save()
    return job


def _progress_writer(job: ImportJob, echo: Callable[[int, str], None] | None):
    def progress(percent: int, stage: str) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress=percent, stage=stage)
        if echo:
            echo(percent, stage)

    return progress


def run_job(job: ImportJob, dry_run: bool, echo: Callable[[int, str], None] | None = None) -> Result | None:
    """Read, validate and (unless dry_run) commit. Returns None when the file itself was refused."""
    progress = _progress_writer(job, echo)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING if not dry_run else job.status, progress=1, stage="读取文件"
    )
    if echo:
        echo(1, "读取文件")
    user = job.user
    importer = importer_for(job.kind, user, job.default_union) if user else None
    try:
        table = read_table(job.file.path, job.file_name)
        hmap = importer.match(table, job.file_name)
    except (UnreadableFile, HeaderError) as exc:
        _finish(job, ImportJob.Status.REFUSED, message=str(exc))
        return None
    try:
        result = importer.run(table, hmap, dry_run=dry_run, progress=progress)
    except Exception as exc:  # the transaction rolled back: nothing was written
        log.exception("import job %s failed", job.pk)
        _finish(job, ImportJob.Status.FAILED, message=f"导入失败，数据库未做任何改动：{exc}")
        raise
    progress(92, "生成报告")
    _store_result(job, table, result, dry_run)
    return result


def _store_result(job: ImportJob, table, result: Result, dry_run: bool) -> None:
    with transaction.atomic():
        ImportRowError.objects.filter(job=job).delete()
        ImportRowError.objects.bulk_create(
            [
                ImportRowError(
                    job=job,
                    row=table.excel_row(issue.index),
                    column=issue.column[:50],
                    message=issue.message,
                    is_warning=issue.warning,
                )
                for issue in result.issues[:MAX_STORED_ERRORS]
            ],
            batch_size=2000,
        )
    report_name = ""
    if result.issues:
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
            write_report(table, result, tmp.name)
            report_name = f"{Path(job.file_name).stem}-错误报告.xlsx"
            job.report.save(report_name, ContentFile(Path(tmp.name).read_bytes()), save=False)
    for key in ("rows", "created", "updated", "skipped", "errors", "committed"):
        setattr(job, key, getattr(result, key))
    job.extra_columns = result.extra_columns
    job.notes = "\n".join(result.notes)
    if dry_run:
        job.status = ImportJob.Status.PREVIEWED
        job.progress = 100
        job.stage = "预检完成"
        job.save()
    else:
        _finish(job, ImportJob.Status.DONE, save_all=True)


def _finish(job: ImportJob, status: str, message: str = "", save_all: bool = False) -> None:
    job.status = status
    job.progress = 100
    job.stage = dict(ImportJob.Status.choices)[status]
    job.finished_at = timezone.now()
    if message:
        job.message = message
    job.save()


def run_export_job(job_id: int) -> int:
    """Write a queued export to MEDIA_ROOT; the file is streamed, never held in memory."""
    from .exports import export_queryset, write_export
    from .models import ExportJob

    job = ExportJob.objects.select_related("user").get(pk=job_id)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    try:
        queryset = export_queryset(job.view_path, job.user, job.params)
        with tempfile.NamedTemporaryFile(suffix=f".{job.fmt}") as tmp:
            rows = write_export(queryset, job.fmt, job.full, tmp.name)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            with open(tmp.name, "rb") as handle:
                job.file.save(f"{job.title}-{stamp}.{job.fmt}", File(handle), save=False)
    except Exception as exc:
        log.exception("export job %s failed", job.pk)
        job.status, job.message = ExportJob.Status.FAILED, f"导出失败：{exc}"
    else:
        job.status, job.rows = ExportJob.Status.DONE, rows
    job.finished_at = timezone.now()
    job.save()
    return job.rows
