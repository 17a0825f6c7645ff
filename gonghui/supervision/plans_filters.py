import django_filters

from gonghui.core.filters import ScopedFilterSet
from gonghui.core.normalize import clean_text

from .models import Department, WorkPlan


class WorkPlanFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="计划名称关键字", method="search")
    year = django_filters.NumberFilter(label="年度", min_value=2000, max_value=2100)

    class Meta:
        model = WorkPlan
        fields = []

    def search(self, qs, name, value):
        text = clean_text(value)
        return qs.filter(title__icontains=text) if text else qs


class DepartmentFilterSet(ScopedFilterSet):
    is_active = django_filters.BooleanFilter(label="启用")

    class Meta:
        model = Department
        fields = []
