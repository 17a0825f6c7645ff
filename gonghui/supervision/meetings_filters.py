"""The filters of the meetings register (page and API): county-level union, kind, year."""

from __future__ import annotations

import django_filters

from gonghui.core.filters import ScopedFilterSet
from gonghui.orgs.models import UnionOrg

from .counties import county_level_q
from .models import Meeting


def _counties(request):
    """The county-level unions the user sees (a callable: django-filter asks it per request)."""
    user = getattr(request, "user", None)
    return UnionOrg.objects.filter(county_level_q()).visible_to(user).order_by("path")


class MeetingFilterSet(ScopedFilterSet):
    union = django_filters.ModelChoiceFilter(label="县级工会", field_name="union", queryset=_counties)
    kind = django_filters.ChoiceFilter(label="会议类别", choices=Meeting.Kind.choices)
    year = django_filters.NumberFilter(
        label="年度", field_name="held_on__year", min_value=2000, max_value=2100
    )

    class Meta:
        model = Meeting
        fields = []
