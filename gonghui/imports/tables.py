"""Table of the import history, on core's generic list view."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from gonghui.core.tables import DateTimeColumn

from .models import ImportJob

NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class ImportJobTable(tables.Table):
    created_at = DateTimeColumn(verbose_name="时间", format="Y-m-d H:i")
    user = tables.Column(verbose_name="导入人", default="—", orderable=False)
    kind = tables.Column(verbose_name="类型")
    file_name = tables.Column(verbose_name="文件名", linkify=True)
    sha256 = tables.Column(verbose_name="SHA-256", orderable=False)
    rows = tables.Column(verbose_name="行数", attrs=NUMBER)
    created = tables.Column(verbose_name="新增", attrs=NUMBER)
    updated = tables.Column(verbose_name="更新", attrs=NUMBER)
    skipped = tables.Column(verbose_name="未变", attrs=NUMBER)
    errors = tables.Column(verbose_name="错误", attrs=NUMBER)
    status = tables.Column(verbose_name="结果")
    report = tables.Column(verbose_name="报告", empty_values=(), orderable=False)

    class Meta:
        model = ImportJob
        fields = (
            "created_at",
            "user",
            "kind",
            "file_name",
            "sha256",
            "rows",
            "created",
            "updated",
            "skipped",
            "errors",
            "status",
            "report",
        )
        empty_text = "还没有导入记录"

    def render_sha256(self, value):
        return format_html('<span class="font-monospace small" title="{}">{}…</span>', value, value[:12])

    def render_status(self, record):
        notes = ("· 已写入" if record.committed else "", "· 跳过错误行" if record.skip_invalid else "")
        return " ".join([record.get_status_display(), *[n for n in notes if n]])

    def render_report(self, record):
        if record.report:
            return format_html(
                '<a href="{}" title="下载错误报告"><i class="bi bi-download"></i></a>',
                reverse("imports:job-report", args=[record.pk]),
            )
        if record.files_purged_at:
            return format_html(
                '<span class="small text-secondary" title="{}">已删除</span>', "文件已按保留期限删除"
            )
        return ""
