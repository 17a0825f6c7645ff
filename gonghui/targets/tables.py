"""Table of the target-plan list, on core's generic list view."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from gonghui.core.tables import DateColumn

from .models import TargetPlan


class TargetPlanTable(tables.Table):
    year = tables.Column(verbose_name="年度")
    title = tables.Column(verbose_name="标题", linkify=True)
    doc_number = tables.Column(verbose_name="文号", default="—")
    issuer = tables.Column(verbose_name="下达单位", order_by=("issuer__path",))
    issued_on = DateColumn(verbose_name="印发日期", format="Y-m-d", default="—")
    bulletin = tables.Column(
        verbose_name="", empty_values=(), orderable=False, attrs={"td": {"class": "text-end"}}
    )

    class Meta:
        model = TargetPlan
        fields = ("year", "title", "doc_number", "issuer", "issued_on", "bulletin")
        empty_text = "暂无目标任务。"

    def render_bulletin(self, record):
        return format_html(
            '<a class="btn btn-sm btn-outline-secondary" href="{}"><i class="bi bi-file-earmark-word"></i> 通报</a>',
            reverse("reports:bulletin", args=[record.pk]),
        )
