"""Import jobs: store the upload, run the pipeline, record counts, errors and the report.

The web flow (preview → confirm → background task), the background task and the management
commands all go through ``run_job``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gonghui.core import crypto, schedule
from gonghui.core.files import plain_copy
from gonghui.core.masking import mask_text
from gonghui.core.scope import home_node

from .columns import HeaderError
from .models import FILES_PURGED, ExportJob, ImportJob, ImportRowError
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
        file_name=file_name[:255],
        sha256=sha256_of(path),
        size=path.stat().st_size,
    )
    with open(path, "rb") as handle:
        job.file.save(Path(file_name).name or "upload", File(handle), save=False)
    job.save()
    schedule_purge()
    return job


def schedule_purge() -> None:
    """Files now exist that must go after the retention period: make sure the worker will look."""
    from . import tasks

    transaction.on_commit(lambda: schedule.ensure_scheduled(only=tasks.purge_expired_files_task))


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
    if not job.file:
        _finish(job, ImportJob.Status.FAILED, message=f"原始{FILES_PURGED}，请重新上传")
        return None
    try:
        with plain_copy(job.file, Path(job.file_name).suffix) as plain:
            table = read_table(plain, job.file_name)
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
    _store_result(job, table, result, dry_run, hmap)
    return result


SENSITIVE_COLUMNS = ("id_number", "phone")


def _store_result(job: ImportJob, table, result: Result, dry_run: bool, hmap=None) -> None:
    with transaction.atomic():
        ImportRowError.objects.filter(job=job).delete()
        ImportRowError.objects.bulk_create(
            [
                _row_error(job, table.excel_row(issue.index), issue)
                for issue in result.issues[:MAX_STORED_ERRORS]
            ],
            batch_size=2000,
        )
    if result.issues:
        positions = {
            hmap.index[key]: key for key in SENSITIVE_COLUMNS if hmap is not None and key in hmap.index
        }
        stem = Path(job.file_name).stem
        for field, masked, suffix in ((job.report, None, ""), (job.report_masked, positions, "（脱敏）")):
            with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
                write_report(table, result, tmp.name, masked=masked)
                if masked is None:
                    job.report_sha256 = sha256_of(Path(tmp.name))
                with open(tmp.name, "rb") as handle:
                    field.save(f"{stem}-错误报告{suffix}.xlsx", File(handle), save=False)
    for key in ("rows", "created", "updated", "skipped", "errors", "committed"):
        setattr(job, key, getattr(result, key))
    job.extra_columns = [mask_text(str(name)) for name in result.extra_columns]
    job.notes = mask_text("\n".join(result.notes))
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
        job.message = mask_text(message)
    job.save()


def _row_error(job: ImportJob, row: int, issue) -> ImportRowError:
    """Stored masked; the text as produced (a 15-digit ID's 18-digit form, a mistyped phone) is kept
    sealed for the importer and 查看敏感信息, never in a plain column."""
    masked = mask_text(issue.message)
    return ImportRowError(
        job=job,
        row=row,
        column=issue.column[:50],
        message=masked,
        message_enc=crypto.encrypt(issue.message) if masked != issue.message else "",
        is_warning=issue.warning,
    )


def run_export_job(job_id: int) -> int:
    """Write a queued export, sealed (PRIVATE_FILES_ROOT); the file is streamed, never held in memory."""
    from .exports import export_queryset, write_export

    job = ExportJob.objects.select_related("user").get(pk=job_id)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    try:
        queryset = export_queryset(job.view_path, job.user, job.params)
        with tempfile.NamedTemporaryFile(suffix=f".{job.fmt}") as tmp:
            rows = write_export(queryset, job.fmt, job.full, tmp.name)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            job.sha256 = sha256_of(Path(tmp.name))
            with open(tmp.name, "rb") as handle:
                job.file.save(f"{job.title}-{stamp}.{job.fmt}", File(handle), save=False)
    except Exception as exc:
        log.exception("export job %s failed", job.pk)
        job.status, job.message = ExportJob.Status.FAILED, f"导出失败：{exc}"
    else:
        job.status, job.rows = ExportJob.Status.DONE, rows
    job.finished_at = timezone.now()
    job.save()
    schedule_purge()
    return job.rows


def purge_expired_files(now=None) -> dict[str, int]:
    """Delete uploads, error reports and exports older than FILE_RETENTION_DAYS, and the sealed full text
    of their row reasons. The rows stay with their counts, masked reasons and SHA-256; pages then say
    文件已按保留期限删除. Jobs still queued or running keep their file until they finish."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.FILE_RETENTION_DAYS)
    counts = {"imports": 0, "exports": 0, "files": 0}
    has_file = ~Q(file="") | ~Q(report="") | ~Q(report_masked="")
    jobs = ImportJob.objects.filter(has_file, created_at__lt=cutoff).exclude(
        status__in=(ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
    )
    for job in jobs.iterator():
        counts["files"] += _delete_files(job, ("file", "report", "report_masked"))
        ImportJob.objects.filter(pk=job.pk).update(file="", report="", report_masked="", files_purged_at=now)
        # The row reasons as produced (full IDs, sealed) go with the files; the masked ones stay.
        ImportRowError.objects.filter(job=job).exclude(message_enc="").update(message_enc="")
        counts["imports"] += 1
    exports = (
        ExportJob.objects.filter(created_at__lt=cutoff)
        .exclude(file="")
        .exclude(status__in=(ExportJob.Status.QUEUED, ExportJob.Status.RUNNING))
    )
    for export in exports.iterator():
        counts["files"] += _delete_files(export, ("file",))
        ExportJob.objects.filter(pk=export.pk).update(file="", files_purged_at=now)
        counts["exports"] += 1
    if counts["files"]:
        log.info("retention: deleted %(files)s files of %(imports)s imports, %(exports)s exports", counts)
    return counts


def _delete_files(obj, names: tuple[str, ...]) -> int:
    deleted = 0
    for name in names:
        field = getattr(obj, name)
        if field:
            field.storage.delete(field.name)  # a file already gone is no error
            deleted += 1
    return deleted


def seal_legacy_files() -> int:
    """Files made before they were sealed lie plain under MEDIA_ROOT: seal each into PRIVATE_FILES_ROOT
    (same name, so the rows need no change) and delete the plain copy. Returns how many were moved."""
    from gonghui.core.files import seal_legacy_file

    moved = 0
    for model, names in ((ImportJob, ("file", "report")), (ExportJob, ("file",))):
        for obj in model.objects.iterator():
            for name in names:
                if getattr(obj, name):
                    moved += seal_legacy_file(getattr(obj, name), settings.MEDIA_ROOT)
    return moved
