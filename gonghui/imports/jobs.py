"""What the background worker runs for imports and exports: an import job (read, validate, commit,
report, with a heartbeat), the reaping of jobs whose process died, an export job, the retention purge.

The user's operations on jobs (create, confirm, retry, queue) are in ``services``; the tasks that run
these functions, and the scheduling of them, in ``tasks``. Neither is imported here, so the three
modules depend one way: services → tasks → jobs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone

from gonghui.core import audit, crypto, failover
from gonghui.core.exports import export_queryset, write_export
from gonghui.core.files import plain_copy
from gonghui.core.masking import mask_text
from gonghui.core.models import AuditEvent
from gonghui.core.replica import use_replica

from .columns import HeaderError
from .engine import Result, importer_class, importer_for
from .models import FILE_REFUSED_STAGE, FILES_PURGED, ExportJob, ImportJob, ImportRowError
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


def _progress_writer(job: ImportJob, echo: Callable[[int, str], None] | None):
    def progress(percent: int, stage: str) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress=percent, stage=stage, heartbeat_at=timezone.now())
        if echo:
            echo(percent, stage)

    return progress


class Heartbeat:
    """While a job runs, a thread writes ``heartbeat_at`` every IMPORT_HEARTBEAT_SECONDS, so a job whose
    process died (kill -9, out of memory) can be told from one that is busy: calamine and the database
    driver release the GIL, so the thread beats through long reads and commits too."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self):
        interval = settings.IMPORT_HEARTBEAT_SECONDS
        if interval > 0:
            self.thread = threading.Thread(
                target=self.beat, args=(interval,), name=f"import-heartbeat-{self.job_id}", daemon=True
            )
            self.thread.start()
        return self

    def beat(self, interval: float) -> None:
        try:
            while not self.stop.wait(interval):
                try:
                    ImportJob.objects.filter(pk=self.job_id, status=ImportJob.Status.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # a missed beat is harmless; the next one retries
                    log.debug("heartbeat of import job %s failed", self.job_id, exc_info=True)
                    failover.drop_broken()  # after a failover: the next beat connects to the new primary
        finally:
            connections.close_all()  # this thread's own connection

    def __exit__(self, *exc_info) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join()


def run_job(job: ImportJob, dry_run: bool, echo: Callable[[int, str], None] | None = None) -> Result | None:
    """Read, validate and (unless dry_run) commit. Returns None when the file itself was refused (the job
    is then 失败 with the reason). However the run ends — an unreadable file, a database error, an
    interrupt — the job is finished, never left 运行中; unexpected errors are re-raised after that."""
    stage = "读取文件"
    started = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, progress=1, stage=stage, heartbeat_at=timezone.now(), message=""
    )
    job.status = ImportJob.Status.RUNNING
    if echo:
        echo(1, stage)
    progress = _progress_writer(job, echo)
    outcome: dict[str, Result] = {}
    with Heartbeat(job.pk):
        try:
            return _run(job, dry_run, progress, outcome)
        except BaseException as exc:
            lost = failover.connection_lost(exc) or failover.connection_broken()
            if lost:
                # issue 17: the primary died (or was demoted) mid-import. The import's one transaction died
                # with it; whether its commit had landed is read back on the new primary from the audit
                # row that the commit writes in the same transaction.
                done = failover.retry_after_failover(lambda: _committed_since(job, started))
            else:
                done = "result" in outcome and outcome["result"].committed
            effect = "数据已写入，但导入记录未能完成（错误报告可能缺失）" if done else "数据库未做任何改动"
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                message = f"导入被中断，{effect}，可重试"
            elif lost:
                log.warning("import job %s: database connection lost: %s", job.pk, exc)
                message = f"导入失败：导入过程中数据库连接中断（主库故障或主备切换），{effect}，可重试"
            else:
                log.exception("import job %s failed", job.pk)
                message = f"导入失败（系统内部错误），{effect}，可重试；如反复失败请联系系统管理员"
            # On a lost connection the job's row is written on the new primary once it answers (never left
            # 运行中 while the database is merely switching over).
            failover.retry_after_failover(lambda: _finish(job, ImportJob.Status.FAILED, message=message))
            raise


def _committed_since(job: ImportJob, started) -> bool:
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.IMPORT,
        object_type=job._meta.label_lower,
        object_id=str(job.pk),
        at__gte=started,
    ).exists()


def _run(job: ImportJob, dry_run: bool, progress, outcome: dict) -> Result | None:
    user = job.user
    if user is None:
        _finish(job, ImportJob.Status.FAILED, message="导入人的账号已不存在，无法导入")
        return None
    if not job.file:
        _finish(job, ImportJob.Status.FAILED, message=f"原始{FILES_PURGED}，请重新上传")
        return None
    importer = importer_for(job.kind, user, job.default_union, job.options)
    importer.job = job  # the file's name and SHA-256, for a kind that records them (a directory edition)
    importer.skip_invalid = job.skip_invalid
    importer.commit_hook = lambda result: audit_commit(job, importer, result)
    try:
        with plain_copy(job.file, Path(job.file_name).suffix) as plain:
            table = read_table(plain, job.file_name)
        hmap = importer.match(table, job.file_name)
    except (UnreadableFile, HeaderError) as exc:
        _finish(job, ImportJob.Status.FAILED, message=str(exc), stage=FILE_REFUSED_STAGE)
        return None
    result = outcome["result"] = importer.run(table, hmap, dry_run=dry_run, progress=progress)
    progress(92, "生成报告")
    _store_result(job, table, result, dry_run, hmap)
    return result


def audit_commit(job: ImportJob, importer, result: Result) -> None:
    """The import's audit row, written in the commit's transaction: the file by name and SHA-256 (what
    exactly was loaded) and the counts. The importer is the job's user; no address (a background task)."""
    audit.log(
        AuditEvent.Action.IMPORT,
        job,
        actor=job.user,
        detail=(
            f"导入{importer.title}：文件「{job.file_name}」（SHA-256 {job.sha256}）；共 {result.rows} 行，"
            f"新增 {result.created} 行，更新 {result.updated} 行，无变化 {result.skipped} 行，"
            f"有错误未导入 {result.errors} 行"
        ),
    )


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
        sensitive = importer_class(job.kind).sensitive_columns
        positions = {hmap.index[key]: key for key in sensitive if hmap is not None and key in hmap.index}
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
    elif not result.committed:
        _finish(job, ImportJob.Status.REFUSED, message=refused_message(job))
    else:
        _finish(job, ImportJob.Status.DONE, save_all=True)


def refused_message(job: ImportJob) -> str:
    return (
        f"有 {job.errors} 行错误，整个文件未写入任何数据。请按错误报告修改后重新上传；"
        f"如确定只导入没有错误的 {job.valid_rows} 行，请选择「跳过 {job.errors} 行错误，仅导入 {job.valid_rows} 行」"
    )


def _finish(job: ImportJob, status: str, message: str = "", save_all: bool = False, stage: str = "") -> None:
    job.status = status
    job.progress = 100
    job.stage = stage or dict(ImportJob.Status.choices)[status]
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


# ---------------------------------------------------------------- dead jobs
DIED_MESSAGE = (
    "导入进程意外终止（超过 {seconds:.0f} 秒没有心跳），未完成的写入已全部撤销；"
    "可点「重试」重新导入（重复导入不会产生重复数据）"
)


def reap_stale_jobs(now=None) -> list[int]:
    """Mark failed every job whose process died: 运行中 with no heartbeat for IMPORT_STALE_SECONDS, or
    排队中 although its background task already ended or started and went silent. Run by the job
    pages whenever they are read and by ``manage.py reap_import_jobs``; returns the ids marked."""
    now = now or timezone.now()
    seconds = settings.IMPORT_STALE_SECONDS
    cutoff = now - dt.timedelta(seconds=seconds)
    stale = Q(status=ImportJob.Status.RUNNING) & (Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at=None))
    ids = list(ImportJob.objects.filter(stale).values_list("pk", flat=True))
    for job in ImportJob.objects.filter(status=ImportJob.Status.QUEUED, heartbeat_at__lt=cutoff).exclude(
        task_id=""
    ):
        if _task_gone(job.task_id):
            ids.append(job.pk)
    if not ids:
        return []
    message = DIED_MESSAGE.format(seconds=seconds)
    marked = []
    for pk in ids:
        # Conditional on the state read above: a job that finished or beat meanwhile is left alone.
        still = ImportJob.objects.filter(pk=pk).filter(
            stale | Q(status=ImportJob.Status.QUEUED, heartbeat_at__lt=cutoff)
        )
        if still.update(
            status=ImportJob.Status.FAILED, stage="失败", progress=100, finished_at=now, message=message
        ):
            marked.append(pk)
    if marked:
        log.warning("import jobs %s marked failed: no heartbeat for %s s", marked, seconds)
    return marked


def _task_gone(task_id: str) -> bool:
    """The background task of a queued job has ended, or started and then went silent."""
    from django_tasks import default_task_backend
    from django_tasks.base import TaskResultStatus

    try:
        status = default_task_backend.get_result(task_id).status
    except Exception:  # no such result (deleted, another backend): nothing will run the job
        return True
    return status != TaskResultStatus.READY


def run_export_job(job_id: int) -> int:
    """Write a queued export, sealed (PRIVATE_FILES_ROOT); the file is streamed, never held in memory."""
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    try:
        queryset = export_queryset(job.view_path, job.user, job.params)
        # issue 17: the export's rows from the read replica when one is configured and current enough
        with use_replica(), tempfile.NamedTemporaryFile(suffix=f".{job.fmt}") as tmp:
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
