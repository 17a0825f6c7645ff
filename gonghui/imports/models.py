"""Import jobs: one row per uploaded ledger, with its counts, progress, report and row errors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from gonghui.core.files import get_private_storage
from gonghui.core.models import OwnJobsQuerySet

from .engine import kind_choices

FILES_PURGED = "文件已按保留期限删除"


FILE_REFUSED_STAGE = "文件无法导入"  # the stage of a job failed because of its file, not its process


class ImportJob(models.Model):
    """An upload and what became of it. Scoped by the union the import was made for (the importer's
    scope root), so a county sees the imports made inside its subtree."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "已上传"
        PREVIEWED = "previewed", "已预检"
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导入中"
        DONE = "done", "已完成"
        REFUSED = "refused", "有错误未导入"
        FAILED = "failed", "失败"

    scope_path = "scope__path"
    objects = OwnJobsQuerySet.as_manager()

    # The kinds registered with the engine by their apps (members, workplaces, unions …).
    kind = models.CharField("导入类型", max_length=16, choices=kind_choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scope = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="导入范围", on_delete=models.PROTECT, related_name="import_jobs"
    )
    default_union = models.ForeignKey(
        "orgs.UnionOrg",
        verbose_name="默认所在工会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Sealed at rest (gonghui.core.files), deleted after settings.FILE_RETENTION_DAYS; sha256 and size
    # describe the plain upload and stay.
    file = models.FileField("文件", upload_to="imports/%Y/%m/", storage=get_private_storage, blank=True)
    file_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.BigIntegerField("文件大小", default=0)
    created_at = models.DateTimeField("上传时间", auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.UPLOADED)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    stage = models.CharField("阶段", max_length=50, blank=True)
    rows = models.PositiveIntegerField("行数", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    skipped = models.PositiveIntegerField("未变（跳过）", default=0)
    errors = models.PositiveIntegerField("错误行", default=0)
    committed = models.BooleanField("已写入", default=False)
    message = models.TextField("说明", blank=True)
    notes = models.TextField("提示", blank=True)
    extra_columns = models.JSONField("未识别的列", default=list, blank=True)
    # The report with the user's rows as typed (shown to the importer and to 查看敏感信息 in scope) and
    # the same report with IDs and phones masked (for everyone else who may see the job).
    report = models.FileField(
        "错误报告", upload_to="imports/reports/%Y/%m/", storage=get_private_storage, blank=True
    )
    report_masked = models.FileField(
        "错误报告（脱敏）", upload_to="imports/reports/%Y/%m/", storage=get_private_storage, blank=True
    )
    report_sha256 = models.CharField("错误报告 SHA-256", max_length=64, blank=True)
    files_purged_at = models.DateTimeField("文件删除时间", null=True, blank=True)
    skip_invalid = models.BooleanField(
        "跳过错误行",
        default=False,
        help_text="有错误的行不导入、其余行照常写入；不选时只要有一行错误就整个文件不写入",
    )
    confirmed_at = models.DateTimeField("确认导入时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        "心跳时间", null=True, blank=True, help_text="运行中的导入定时更新；长时间没有更新说明导入进程已终止"
    )
    retries = models.PositiveSmallIntegerField("重试次数", default=0)
    task_id = models.CharField("后台任务编号", max_length=64, blank=True)
    # A kind's own parameters, given at upload and handed to its importer (a directory's 来源 and 截至日期).
    options = models.JSONField("导入参数", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "导入记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}导入：{self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("imports:job-detail", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    def may_see_full(self, user) -> bool:
        """The rows as typed (full IDs and phones): the importer, and 查看敏感信息 holders who can see the
        job at all (the caller has already narrowed to ``visible_to``)."""
        return bool(user.is_authenticated and (user.pk == self.user_id or user.can_view_sensitive))

    def retry_refusal(self) -> str:
        """Why this job cannot be retried ("" if it can): only a job that failed for a reason other than
        its file (its process died, an internal error) would end differently a second time."""
        if self.status != self.Status.FAILED:
            return f"导入记录 #{self.pk} 的状态是「{self.get_status_display()}」，只有失败的导入可以重试"
        if self.stage == FILE_REFUSED_STAGE:
            return "该文件本身无法导入，重试不会有不同结果：请按失败原因修改后重新上传"
        return ""

    @property
    def valid_rows(self) -> int:
        """Rows without an error: what 「跳过错误行」 would import (new, updated or unchanged)."""
        return max(self.rows - self.errors, 0)


def union_model():
    """The union tree's node model, which every job is scoped by (named by the foreign key, not imported:
    the apps that own the rows import the engine, never the reverse)."""
    return ImportJob._meta.get_field("scope").related_model


class ImportRowError(models.Model):
    """One problem in one row (or a warning): row number as the user sees it in Excel."""

    job = models.ForeignKey(
        ImportJob, verbose_name="导入", on_delete=models.CASCADE, related_name="row_errors"
    )
    row = models.PositiveIntegerField("行号")
    column = models.CharField("列", max_length=50, blank=True)
    # With IDs and phones masked (masking.mask_text); the text as produced, sealed, only where it differs.
    message = models.TextField("原因")
    message_enc = models.TextField("原因（密文）", blank=True, editable=False)
    is_warning = models.BooleanField("仅提示", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "导入错误"
        ordering = ["row", "id"]

    def __str__(self) -> str:
        return f"第 {self.row} 行 {self.column}：{self.message}"

    def text(self, full: bool) -> str:
        """The reason as the viewer may read it: as produced for ``full``, else masked."""
        if full and self.message_enc:
            from gonghui.core import crypto

            return crypto.decrypt(self.message_enc)
        return self.message


class ExportJob(models.Model):
    """A large export written by the background worker to a file under MEDIA_ROOT."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导出中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    scope_path = "scope__path"
    objects = OwnJobsQuerySet.as_manager()

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导出人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scope = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="范围", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("内容", max_length=100)
    view_path = models.CharField("列表视图", max_length=200)
    params = models.TextField("筛选条件", blank=True)
    fmt = models.CharField("格式", max_length=8)
    full = models.BooleanField("含完整敏感信息", default=False)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows = models.PositiveIntegerField("行数", default=0)
    file = models.FileField("文件", upload_to="exports/%Y/%m/", storage=get_private_storage, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    message = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    files_purged_at = models.DateTimeField("文件删除时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "导出任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"导出{self.title}（{self.fmt}）"

    def get_absolute_url(self) -> str:
        return reverse("imports:export-detail", args=[self.pk])
