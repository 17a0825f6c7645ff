"""Tables and filters of the dynamic management lists (结对共建, proposals, 复查)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import Q

from gonghui.core.filters import ScopedFilterSet
from gonghui.core.tables import DateColumn

from .models import HonourKind, Partnership, Proposal, Reinspection

NOWRAP = {"td": {"class": "text-nowrap"}, "th": {"class": "text-nowrap"}}


def _words(value: str) -> str:
    return " ".join(str(value or "").split())


# ---------------------------------------------------------------------- 结对共建
class PartnershipTable(tables.Table):
    holder = tables.Column(
        verbose_name="模范职工之家",
        accessor="holder__subject_name",
        linkify=lambda record: record.get_absolute_url(),
        orderable=False,
    )
    kind = tables.Column(verbose_name="荣誉", accessor="holder__kind__name", orderable=False)
    partner = tables.Column(orderable=False)
    started_on = DateColumn(format="Y-m-d", attrs=NOWRAP)
    ended_on = tables.Column(attrs=NOWRAP, verbose_name="状态", empty_values=())
    activity_count = tables.Column(verbose_name="活动次数", orderable=False, attrs=NOWRAP)

    class Meta:
        model = Partnership
        fields = ("holder", "kind", "partner", "started_on", "ended_on", "activity_count")
        empty_text = "没有符合条件的结对共建"

    def render_ended_on(self, value):
        return f"已于 {value:%Y-%m-%d} 结束" if value else "进行中"

    def value_ended_on(self, value):
        return value.isoformat() if value else ""


class PartnershipFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="关键字", method="search")
    state = django_filters.ChoiceFilter(
        label="状态", choices=[("open", "进行中"), ("ended", "已结束")], method="filter_state"
    )

    class Meta:
        model = Partnership
        fields = []

    def search(self, qs, name, value):
        text = _words(value)
        if not text:
            return qs
        return qs.filter(Q(holder__subject_name__icontains=text) | Q(partner__name__icontains=text))

    def filter_state(self, qs, name, value):
        if value == "open":
            return qs.filter(ended_on__isnull=True)
        if value == "ended":
            return qs.filter(ended_on__isnull=False)
        return qs


# ---------------------------------------------------------------------- proposals
class ProposalTable(tables.Table):
    title = tables.Column(linkify=lambda record: record.get_absolute_url())
    year = tables.Column(attrs=NOWRAP)
    workplace = tables.Column(accessor="workplace__name", verbose_name="单位", orderable=False)
    proposer = tables.Column(orderable=False)
    session = tables.Column(orderable=False)
    handled = tables.Column(verbose_name="办理情况", accessor="handling", orderable=False, attrs=NOWRAP)

    class Meta:
        model = Proposal
        fields = ("year", "title", "workplace", "proposer", "session", "handled")
        empty_text = "没有符合条件的提案"

    def render_proposer(self, value):
        return str(value)  # the member's name with the masked ID, as everywhere

    def render_handled(self, value):
        return "已办理" if value else "未填写"

    def value_handled(self, value):
        return value or ""


class ProposalFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="标题或单位", method="search")
    year = django_filters.NumberFilter(label="年度", min_value=2000, max_value=2100)
    handled = django_filters.ChoiceFilter(
        label="办理情况", choices=[("yes", "已办理"), ("no", "未填写")], method="filter_handled"
    )

    class Meta:
        model = Proposal
        fields = []

    def search(self, qs, name, value):
        text = _words(value)
        if not text:
            return qs
        return qs.filter(Q(title__icontains=text) | Q(workplace__name__icontains=text))

    def filter_handled(self, qs, name, value):
        if value == "yes":
            return qs.exclude(handling="")
        if value == "no":
            return qs.filter(handling="")
        return qs


# ---------------------------------------------------------------------- 复查
class ReinspectionTable(tables.Table):
    title = tables.Column(linkify=lambda record: record.get_absolute_url())
    year = tables.Column(attrs=NOWRAP)
    kind = tables.Column(orderable=False)
    issuer = tables.Column(orderable=False)
    named = tables.Column(verbose_name="命名年度", accessor="named_from", orderable=False, attrs=NOWRAP)
    deadline = DateColumn(format="Y-m-d", attrs=NOWRAP)
    progress = tables.Column(
        verbose_name="已复查/列入", accessor="record_count", orderable=False, attrs=NOWRAP
    )
    status = tables.Column(attrs=NOWRAP)

    class Meta:
        model = Reinspection
        fields = ("year", "title", "kind", "issuer", "named", "deadline", "progress", "status")
        empty_text = "没有复查"

    def render_named(self, record):
        if record.named_from == record.named_to:
            return f"{record.named_from}"
        return f"{record.named_from}—{record.named_to}"

    def render_progress(self, record):
        return f"{record.done_count} / {record.record_count}"


class ReinspectionFilterSet(ScopedFilterSet):
    year = django_filters.NumberFilter(label="年度", min_value=1950, max_value=2100)
    kind = django_filters.ModelChoiceFilter(label="荣誉类型", queryset=HonourKind.objects.all())
    status = django_filters.ChoiceFilter(label="状态", choices=Reinspection.Status.choices)

    class Meta:
        model = Reinspection
        fields = []
