"""Filtersets of the joining pages (core's ScopedFilterSet: scoped choices, Bootstrap widgets)."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from gonghui.core.filters import ScopedFilterSet
from gonghui.core.normalize import compact
from gonghui.members.models import NewFormGroup

from . import workdays
from .models import (
    OPEN_STATUSES,
    ApplicationStatus,
    JoinApplication,
    RoutingRule,
    TransferRequest,
    TransferStatus,
)


class RoutingRuleFilterSet(ScopedFilterSet):
    district = django_filters.CharFilter(
        label="区县名称", field_name="region__name", lookup_expr="startswith"
    )
    new_form_group = django_filters.ModelChoiceFilter(label="群体", queryset=NewFormGroup.objects.all())
    fallback = django_filters.BooleanFilter(
        label="兜底规则", field_name="new_form_group", lookup_expr="isnull"
    )
    is_active = django_filters.BooleanFilter(label="启用")

    scope_label = ""

    class Meta:
        model = RoutingRule
        fields = []


class TransferFilterSet(ScopedFilterSet):
    """会籍转接: by status (待处理 unless another is chosen; 「全部」 shows every status)."""

    status = django_filters.ChoiceFilter(
        label="状态",
        choices=[*TransferStatus.choices, ("all", "全部")],
        empty_label=None,
        method="filter_status",
    )

    scope_label = ""

    class Meta:
        model = TransferRequest
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset if value == "all" else queryset.filter(status=value)


class JoinApplicationFilterSet(ScopedFilterSet):
    """入会申请审核: 待办 (open) unless another status is chosen; due date, kind, number/name/union."""

    status = django_filters.ChoiceFilter(
        label="状态",
        choices=[("open", "待办"), *ApplicationStatus.choices, ("all", "全部")],
        empty_label=None,
        method="filter_status",
    )
    due = django_filters.ChoiceFilter(
        label="期限",
        choices=[("soon", "即将到期"), ("overdue", "已逾期")],
        empty_label="全部",
        method="filter_due",
    )
    kind = django_filters.ChoiceFilter(
        label="类型",
        choices=[("employer", "单位已建会"), ("new_form", "未建会 / 新就业形态")],
        empty_label="全部",
        method="filter_kind",
    )
    q = django_filters.CharFilter(label="编号 / 姓名 / 工会", method="filter_q")

    scope_label = ""

    class Meta:
        model = JoinApplication
        fields = []

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset if value == "all" else queryset.filter(status=value)

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.filter(deadline__lt=today, status__in=OPEN_STATUSES)
        soon = workdays.add_working_days(today, workdays.DUE_SOON_DAYS)
        return queryset.filter(deadline__gte=today, deadline__lte=soon, status__in=OPEN_STATUSES)

    def filter_kind(self, queryset, name, value):
        return queryset.filter(no_union_at_work=(value == "new_form"))

    def filter_q(self, queryset, name, value):
        q = compact(value)
        if not q:
            return queryset
        return queryset.filter(Q(number__iexact=q) | Q(name__contains=q) | Q(routed_union__name__contains=q))
