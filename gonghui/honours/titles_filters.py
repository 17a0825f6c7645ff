"""The filters of the database of holders (page, naming-list export and API share one filterset)."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from gonghui.core.filters import ScopedFilterSet
from gonghui.core.search import name_contains
from gonghui.orgs.models import Ownership, UnionKind, UnionOrg

from .models import Category, HonourKind, Level, Round, RoundStatus, Title, TitleStatus
from .titles import due_q


def county_level_q() -> Q:
    """County unions, and development-zone unions directly under a city (counted with the counties)."""
    return Q(kind=UnionKind.COUNTY) | Q(kind=UnionKind.ZONE, parent__kind=UnionKind.CITY)


def _cities(request):
    return UnionOrg.objects.filter(kind=UnionKind.CITY).visible_to(getattr(request, "user", None))


def _counties(request):
    user = getattr(request, "user", None)
    return UnionOrg.objects.filter(county_level_q()).visible_to(user).order_by("path")


class SubtreeChoiceFilter(django_filters.ModelChoiceFilter):
    """A union chosen from the user's scoped list: the titles hanging in its subtree."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(node__path__startswith=value.path)


class TitleFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="名称关键字", method="search")
    kind = django_filters.ModelChoiceFilter(label="荣誉类型", queryset=HonourKind.objects.all())
    category = django_filters.ChoiceFilter(
        label="类别", field_name="kind__category", choices=Category.choices
    )
    level = django_filters.ChoiceFilter(label="级别", field_name="kind__level", choices=Level.choices)
    year = django_filters.NumberFilter(label="命名年度", min_value=1950, max_value=2100)
    status = django_filters.ChoiceFilter(label="状态", choices=TitleStatus.choices)
    city = SubtreeChoiceFilter(label="市", queryset=_cities)
    county = SubtreeChoiceFilter(label="县（区）", queryset=_counties)
    ownership = django_filters.ChoiceFilter(label="单位性质", choices=Ownership.choices)
    due_by = django_filters.DateFilter(label="复查到期（截至）", method="filter_due")

    class Meta:
        model = Title
        fields = []

    def search(self, qs, name, value):
        return name_contains(qs, "subject_name", value)

    def filter_due(self, qs, name, value):
        return qs.filter(due_q(value)) if value else qs


class RoundFilterSet(ScopedFilterSet):
    """The API's filters of rounds (year, kind, status)."""

    kind = django_filters.ModelChoiceFilter(label="荣誉类型", queryset=HonourKind.objects.all())
    year = django_filters.NumberFilter(label="年度", min_value=1950, max_value=2100)
    status = django_filters.ChoiceFilter(label="状态", choices=RoundStatus.choices)

    class Meta:
        model = Round
        fields = []
