"""Filtersets of the joining pages (core's ScopedFilterSet: scoped choices, Bootstrap widgets)."""

import django_filters

from gonghui.core.filters import ScopedFilterSet
from gonghui.members.models import NewFormGroup

from .models import RoutingRule


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
