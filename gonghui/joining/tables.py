"""Tables of the joining pages built on core's generic list view."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from gonghui.core.tables import DateTimeColumn

from . import workdays
from .models import JoinApplication, RoutingRule, TransferRequest, TransferStatus


class RoutingRuleTable(tables.Table):
    region = tables.Column(verbose_name="区县", order_by=("region__code",))
    new_form_group = tables.Column(verbose_name="新就业形态群体", default="兜底接收", orderable=False)
    union = tables.Column(verbose_name="接收工会", order_by=("union__name",))
    is_active = tables.BooleanColumn(verbose_name="启用", yesno="是,否")
    edit = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta:
        model = RoutingRule
        fields = ("region", "new_form_group", "union", "is_active", "note")
        order_by = ("region",)

    def render_edit(self, record):
        return format_html(
            '<a href="{}">编辑</a> <a class="text-danger ms-2" href="{}">删除</a>',
            reverse("joining:rule-edit", args=[record.pk]),
            reverse("joining:rule-delete", args=[record.pk]),
        )


def _transfer_row_class(record) -> str:
    return URGENCY_ROW.get(transfer_urgency(record), "")


def transfer_urgency(record) -> str:
    """'overdue' / 'due_soon' for a transfer still waiting for an answer, else ''."""
    if record.status != TransferStatus.REQUESTED:
        return ""
    return workdays.urgency(record.deadline, timezone.localdate())


class TransferTable(tables.Table):
    member = tables.Column(verbose_name="会员", order_by=("member__name",))
    from_union = tables.Column(verbose_name="转出工会", order_by=("from_union__name",))
    to_union = tables.Column(verbose_name="转入工会", order_by=("to_union__name",))
    channel = tables.Column(verbose_name="方式")
    requested_at = DateTimeColumn(verbose_name="申请时间", format="Y-m-d")
    deadline = tables.Column(verbose_name="答复期限")
    status = tables.Column(verbose_name="状态")

    class Meta:
        model = TransferRequest
        fields = ("member", "from_union", "to_union", "channel", "requested_at", "deadline", "status")
        attrs = {"id": "transfers", "class": "table table-sm table-hover align-middle"}
        row_attrs = {"class": _transfer_row_class}
        empty_text = "没有转接申请"

    def render_member(self, record):
        return format_html(
            '<a href="{}">{}</a> <span class="masked small">{}</span>',
            reverse("joining:transfer-detail", args=[record.pk]),
            record.member.name,
            record.member.id_masked,
        )

    def render_from_union(self, record):
        return record.from_union.name

    def render_to_union(self, record):
        return record.to_union.name

    def render_deadline(self, record):
        badge = URGENCY_BADGE.get(transfer_urgency(record), "")
        return format_html("{} {}", record.deadline.strftime("%Y-%m-%d"), mark_safe(badge))


URGENCY_ROW = {"overdue": "table-danger", "due_soon": "table-warning"}
URGENCY_BADGE = {
    "overdue": '<span class="badge text-bg-danger">已逾期</span>',
    "due_soon": '<span class="badge text-bg-warning">即将到期</span>',
}


def application_urgency(record) -> str:
    if not record.is_open:
        return ""
    return workdays.urgency(record.deadline, timezone.localdate())


class JoinApplicationTable(tables.Table):
    number = tables.Column(verbose_name="申请编号")
    name = tables.Column(verbose_name="姓名")
    id_masked = tables.Column(
        verbose_name="身份证号", empty_values=(), orderable=False, attrs={"td": {"class": "masked"}}
    )
    workplace = tables.Column(verbose_name="单位 / 群体", empty_values=(), orderable=False)
    routed_union = tables.Column(verbose_name="受理工会", order_by=("routed_union__name",))
    submitted_at = DateTimeColumn(verbose_name="提交时间", format="Y-m-d H:i")
    deadline = tables.Column(verbose_name="办理期限")
    status = tables.Column(verbose_name="状态")

    class Meta:
        model = JoinApplication
        fields = (
            "number",
            "name",
            "id_masked",
            "workplace",
            "routed_union",
            "submitted_at",
            "deadline",
            "status",
        )
        attrs = {"id": "queue", "class": "table table-sm table-hover align-middle"}
        row_attrs = {"class": lambda record: URGENCY_ROW.get(application_urgency(record), "")}
        empty_text = "没有符合条件的申请"

    def render_number(self, record):
        return format_html(
            '<a href="{}" class="font-monospace">{}</a>',
            reverse("joining:application-detail", args=[record.pk]),
            record.number,
        )

    def render_name(self, record):
        if record.held_elsewhere:
            return format_html(
                '{} <span class="badge text-bg-warning" title="该身份证号已有会籍">需核实</span>', record.name
            )
        return record.name

    def render_id_masked(self, record):
        return record.id_masked

    def render_workplace(self, record):
        if record.workplace:
            return record.workplace.name
        return str(record.new_form_group) if record.new_form_group else "未建会"

    def render_routed_union(self, record):
        return record.routed_union.name

    def render_deadline(self, record):
        badge = URGENCY_BADGE.get(application_urgency(record), "")
        return format_html("{} {}", record.deadline.strftime("%Y-%m-%d"), mark_safe(badge))
