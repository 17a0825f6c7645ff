import django_tables2 as tables

from gonghui.core.tables import DateColumn

from .models import Department, Task, WorkPlan

NOWRAP = {"td": {"class": "text-nowrap"}, "th": {"class": "text-nowrap"}}


class TaskTable(tables.Table):
    title = tables.Column(linkify=lambda record: record.get_absolute_url())
    assignee = tables.Column(orderable=False, attrs=NOWRAP)
    issuer = tables.Column(orderable=False, attrs=NOWRAP)
    departments = tables.Column(verbose_name="牵头部门", accessor="pk", orderable=False, empty_values=())
    deadline = DateColumn(format="Y-m-d", attrs=NOWRAP)
    status = tables.Column(attrs=NOWRAP)

    class Meta:
        model = Task
        fields = ("title", "assignee", "issuer", "departments", "deadline", "status")
        empty_text = "没有符合条件的任务"

    def render_departments(self, record):
        return "、".join(d.name for d in record.lead_departments.all()) or "—"

    def render_status(self, record):
        return record.status_label()


class WorkPlanTable(tables.Table):
    title = tables.Column(linkify=lambda record: record.get_absolute_url())
    year = tables.Column(attrs=NOWRAP)
    issuer = tables.Column(orderable=False)
    document_number = tables.Column(orderable=False)
    points = tables.Column(verbose_name="任务数", accessor="point_count", orderable=False)

    class Meta:
        model = WorkPlan
        fields = ("year", "title", "document_number", "issuer", "points")
        empty_text = "尚无工作计划"


class DepartmentTable(tables.Table):
    name = tables.Column(linkify=lambda record: record.get_absolute_url())
    is_active = tables.BooleanColumn(yesno="是,否")
    members = tables.Column(verbose_name="部门用户", accessor="pk", orderable=False, empty_values=())

    class Meta:
        model = Department
        fields = ("order", "name", "is_active", "members")
        empty_text = "尚无部门，可新增或导入省总工会的部门名单"

    def render_members(self, record):
        return "、".join(str(u) for u in record.members.all()) or "—"
