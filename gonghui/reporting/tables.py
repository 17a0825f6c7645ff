import django_tables2 as tables

from gonghui.core.tables import DateColumn, DateTimeColumn

from .models import Report

NOWRAP = {"td": {"class": "text-nowrap"}, "th": {"class": "text-nowrap"}}


class ReportTable(tables.Table):
    title = tables.Column(
        verbose_name="报告", accessor="pk", linkify=lambda record: record.get_absolute_url(), orderable=False
    )
    node = tables.Column(orderable=False, attrs=NOWRAP)
    due_date = DateColumn(format="Y-m-d", attrs=NOWRAP)
    status = tables.Column(attrs=NOWRAP)
    submitted_at = DateTimeColumn(format="Y-m-d H:i", attrs=NOWRAP)

    class Meta:
        model = Report
        fields = ("title", "node", "due_date", "status", "submitted_at")
        empty_text = "没有符合条件的报告"

    def render_title(self, record):
        return str(record)
