"""The filters of the venue list (page, export, API): keyword, kind, county, status, 六有达标, stars."""

from __future__ import annotations

import django_filters

from gonghui.core.filters import ScopedFilterSet
from gonghui.core.normalize import clean_text
from gonghui.regions.models import Region

from .models import Venue, VenueKind

COMPLIANCE = [("yes", "达标"), ("no", "未达标"), ("none", "未检查")]


class VenueFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="名称或地址", method="search")
    kind = django_filters.ModelChoiceFilter(label="阵地类别", queryset=VenueKind.objects.all())
    county = django_filters.ModelChoiceFilter(
        label="所在县区", field_name="region", queryset=Region.objects.filter(level=Region.Level.COUNTY)
    )
    status = django_filters.ChoiceFilter(label="状态", choices=Venue.Status.choices)
    compliance = django_filters.ChoiceFilter(label="六有达标", choices=COMPLIANCE, method="filter_compliance")
    stars = django_filters.NumberFilter(label="星级", min_value=1, max_value=5)

    class Meta:
        model = Venue
        fields = []

    def search(self, qs, name, value):
        text = clean_text(value)
        return qs.filter(name__icontains=text) | qs.filter(address__icontains=text) if text else qs

    def filter_compliance(self, qs, name, value):
        if value == "none":
            return qs.filter(compliant__isnull=True)
        if value in ("yes", "no"):
            return qs.filter(compliant=value == "yes")
        return qs
