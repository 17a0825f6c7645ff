import django_tables2 as tables

from gonghui.core.tables import DateColumn

from .models import Problem

NOWRAP = {"td": {"class": "text-nowrap"}, "th": {"class": "text-nowrap"}}


class ProblemTable(tables.Table):
    description = tables.Column(verbose_name="问题", linkify=lambda record: record.get_absolute_url())
    union = tables.Column(orderable=False, attrs=NOWRAP)
    source = tables.Column(attrs=NOWRAP)
    severity = tables.Column(attrs=NOWRAP)
    found_on = DateColumn(format="Y-m-d", attrs=NOWRAP)
    tasks = tables.Column(
        verbose_name="整改任务（已销号/共）", accessor="pk", orderable=False, empty_values=()
    )
    status = tables.Column(attrs=NOWRAP)

    class Meta:
        model = Problem
        fields = ("description", "union", "source", "severity", "found_on", "tasks", "status")
        empty_text = "没有符合条件的问题"

    def render_description(self, value):
        return value if len(value) <= 60 else value[:60] + "…"

    def render_tasks(self, record):
        return f"{record.done_count}/{record.task_count}"
