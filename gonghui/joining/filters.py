"""Filtersets of the joining pages (core's ScopedFilterSet: scoped choices, Bootstrap widgets)."""

import django_filters

from gonghui.core.filters import ScopedFilterSet
from gonghui.members.models import NewFormGroup

from .models import RoutingRule, TransferRequest, TransferStatus


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
