"""Filterset of the target-plan list (core's ScopedFilterSet: scoped choices, Bootstrap widgets)."""

import django_filters

from gonghui.core.filters import ScopedFilterSet

from .models import TargetPlan


class TargetPlanFilterSet(ScopedFilterSet):
    year = django_filters.NumberFilter(label="年度")
    title = django_filters.CharFilter(label="标题", lookup_expr="contains")

    scope_label = ""

    class Meta:
        model = TargetPlan
        fields = []
