"""What the system administrator's console (core.console) shows of imports and exports: each job's
metadata — kind, user, status, counts, times — never its file, file name, filters or row errors (they may
name members); and the action that marks dead imports failed (the reaper the worker runs)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from gonghui.core import audit, console
from gonghui.core.models import AuditEvent

from . import jobs, tasks
from .models import ExportJob, ImportJob


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else None


def import_rows(limit: int) -> list[list[object]]:
    rows = ImportJob.objects.select_related("user").order_by("-created_at")[:limit]
    return [
        [
            job.pk,
            job.get_kind_display(),
            str(job.user) if job.user_id else "—",
            job.get_status_display(),
            job.rows,
            job.created,
            job.updated,
            job.errors,
            _when(job.created_at),
            _when(job.heartbeat_at),
            _when(job.finished_at),
        ]
        for job in rows
    ]


def export_rows(limit: int) -> list[list[object]]:
    rows = ExportJob.objects.select_related("user").order_by("-created_at")[:limit]
    return [
        [
            job.pk,
            job.title,
            job.fmt,
            "完整" if job.full else "脱敏",
            str(job.user) if job.user_id else "—",
            job.get_status_display(),
            job.rows,
            _when(job.created_at),
            _when(job.finished_at),
        ]
        for job in rows
    ]


def reap(*, actor, ip: str | None = None) -> str:
    """Mark failed the imports whose process died (no heartbeat past IMPORT_STALE_SECONDS; the same rule
    as the worker's reaper, which leaves a job that is still beating alone); one audit row per job."""
    with transaction.atomic():
        marked = jobs.reap_stale_jobs()
        for job in ImportJob.objects.filter(pk__in=marked):
            audit.log(
                AuditEvent.Action.UPDATE, job, actor=actor, ip=ip, detail="系统管理员将中断的导入标记为失败"
            )
        if not marked:
            audit.log(AuditEvent.Action.OTHER, None, actor=actor, ip=ip, detail="检查中断的导入：未发现")
    if not marked:
        return "没有发现中断的导入（运行中的导入仍有心跳）"
    return "已将中断的导入标记为失败：" + "、".join(f"#{pk}" for pk in marked)


def register() -> None:
    console.register_job_source(
        console.JobSource(
            slug="imports",
            label="数据导入",
            headers=[
                "编号",
                "导入类型",
                "用户",
                "状态",
                "行数",
                "新增",
                "更新",
                "错误行",
                "上传时间",
                "最近心跳",
                "完成时间",
            ],
            rows=import_rows,
            actions=[console.JobAction("reap", "标记中断的导入为失败", reap)],
            order=10,
        )
    )
    console.register_job_source(
        console.JobSource(
            slug="exports",
            label="后台导出",
            headers=["编号", "内容", "格式", "敏感信息", "用户", "状态", "行数", "创建时间", "完成时间"],
            rows=export_rows,
            order=20,
        )
    )
    for task, label in (
        (tasks.run_preview, "导入预检"),
        (tasks.run_import, "导入"),
        (tasks.reap_dead_imports, "清理中断的导入"),
        (tasks.run_export, "后台导出"),
        (tasks.purge_expired_files_task, "删除过期文件"),
    ):
        console.register_task_label(task, label)
