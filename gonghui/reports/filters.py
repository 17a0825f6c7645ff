"""Filterset of the bulletin list (core's ScopedFilterSet: Bootstrap widgets)."""

import django_filters

from gonghui.core.filters import ScopedFilterSet
from gonghui.targets.models import Snapshot, TargetPlan


class SnapshotFilterSet(ScopedFilterSet):
    """通报: the bulletins already generated, by plan and statistics date."""

    plan = django_filters.ModelChoiceFilter(
        label="目标任务", queryset=TargetPlan.objects.all(), empty_label="全部"
    )
    as_of_from = django_filters.DateFilter(label="统计截至（起）", field_name="as_of", lookup_expr="gte")
    as_of_to = django_filters.DateFilter(label="统计截至（止）", field_name="as_of", lookup_expr="lte")

    scope_label = ""

    class Meta:
        model = Snapshot
        fields = []
