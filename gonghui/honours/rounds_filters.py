"""The filters of the round list: year, kind, level, status, keyword."""

from __future__ import annotations

import django_filters

from gonghui.core.filters import ScopedFilterSet
from gonghui.core.normalize import clean_text

from .models import HonourKind, Level, Round, RoundStatus


class RoundFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="评选名称", method="search")
    year = django_filters.NumberFilter(label="年度", field_name="year", min_value=2000, max_value=2100)
    kind = django_filters.ModelChoiceFilter(
        label="荣誉类型", field_name="kind", queryset=HonourKind.objects.all()
    )
    level = django_filters.ChoiceFilter(label="级别", field_name="kind__level", choices=Level.choices)
    status = django_filters.ChoiceFilter(label="状态", field_name="status", choices=RoundStatus.choices)

    class Meta:
        model = Round
        fields = []

    def search(self, qs, name, value):
        text = clean_text(value)
        return qs.filter(title__icontains=text) if text else qs
