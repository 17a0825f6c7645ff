import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html

from gonghui.core.tables import DateColumn
from gonghui.orgs.models import Ownership

from .models import Title, TitleStatus
from .titles import area_name

NOWRAP = {"td": {"class": "text-nowrap"}, "th": {"class": "text-nowrap"}}
STATUS_CLASS = {
    TitleStatus.ACTIVE: "success",
    TitleStatus.RECTIFYING: "warning",
    TitleStatus.REVOKED: "secondary",
}


class TitleTable(tables.Table):
    subject_name = tables.Column(verbose_name="荣誉对象", linkify=lambda record: record.get_absolute_url())
    kind = tables.Column(verbose_name="荣誉", order_by=("kind__order", "kind__code"))
    level = tables.Column(verbose_name="级别", accessor="kind__level", attrs=NOWRAP)
    year = tables.Column(attrs=NOWRAP)
    area = tables.Column(verbose_name="所属地区", accessor="node__region", orderable=False, attrs=NOWRAP)
    ownership = tables.Column(attrs=NOWRAP)
    document_number = tables.Column(attrs=NOWRAP)
    status = tables.Column(attrs=NOWRAP)
    next_inspection = DateColumn(format="Y-m-d", attrs=NOWRAP)

    class Meta:
        model = Title
        fields = (
            "subject_name",
            "kind",
            "level",
            "year",
            "area",
            "ownership",
            "document_number",
            "status",
            "next_inspection",
        )
        empty_text = "没有符合条件的荣誉"

    def render_area(self, value):
        return area_name(value)

    def render_level(self, record):
        return record.kind.get_level_display()

    def render_ownership(self, value):
        return Ownership(value).label if value in Ownership.values else "—"

    def render_status(self, record):
        return format_html(
            '<span class="badge text-bg-{}">{}</span>',
            STATUS_CLASS.get(record.status, "secondary"),
            record.get_status_display(),
        )

    def render_next_inspection(self, record, value):
        if record.status == TitleStatus.REVOKED or value is None:
            return "—"
        if value <= timezone.localdate():
            return format_html('<span class="text-danger fw-bold">{} 已到期</span>', f"{value:%Y-%m-%d}")
        return f"{value:%Y-%m-%d}"
