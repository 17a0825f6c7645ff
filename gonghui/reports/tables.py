"""Table of the bulletin list, on core's generic list view."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from gonghui.core.tables import DateColumn, DateTimeColumn
from gonghui.targets.models import Snapshot


class SnapshotTable(tables.Table):
    as_of = DateColumn(
        verbose_name="统计截至", format="Y-m-d", linkify=("reports:snapshot", [tables.A("pk")])
    )
    plan = tables.Column(verbose_name="目标任务", accessor="plan__title", order_by=("plan__title",))
    created_at = DateTimeColumn(verbose_name="生成时间", format="Y-m-d H:i")
    release = tables.Column(verbose_name="签发状态", accessor="pk", orderable=False)
    download = tables.Column(verbose_name="下载", empty_values=(), orderable=False)

    class Meta:
        model = Snapshot
        fields = ("as_of", "plan", "created_at", "release", "download")
        empty_text = "暂无"

    def render_release(self, record):
        # A bulletin generated before the sign-off workflow (no release row) was issued as it was.
        release = getattr(record, "release", None)
        return release.get_status_display() if release is not None else "已印发"

    def render_download(self, record):
        def url(fmt):
            return reverse("reports:bulletin-download", args=[record.pk, fmt])

        return format_html(
            '<a href="{}">Word</a> · <a href="{}">Excel</a> · <a href="{}">PDF</a>',
            url("docx"),
            url("xlsx"),
            url("pdf"),
        )
