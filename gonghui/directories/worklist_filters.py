"""The one filterset of list items: the list page, the overdue page, the export and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef

from gonghui.core.filters import ScopedFilterSet
from gonghui.core.normalize import clean_text
from gonghui.core.search import name_contains
from gonghui.orgs.filters import SubtreeFilter
from gonghui.orgs.models import Industry

from .models import DirectorySource, ListItem, Visit
from .worklist import SIZE_BANDS, band_q


class ListItemFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="单位名称关键字或信用代码", method="search")
    union = SubtreeFilter(label="属地工会", path_lookup="territory__path")
    band = django_filters.ChoiceFilter(
        label="规模", choices=[(k, label) for k, (label, _q) in SIZE_BANDS.items()], method="filter_band"
    )
    source = django_filters.ModelChoiceFilter(
        label="来源", field_name="entry__source", queryset=DirectorySource.objects.all()
    )
    industry = django_filters.ChoiceFilter(
        label="行业", field_name="entry__industry", choices=Industry.choices
    )
    status = django_filters.ChoiceFilter(
        label="领单情况",
        choices=[*ListItem.Status.choices, ("all", "全部（含已销号）")],
        empty_label="未销号",
        method="filter_status",
    )
    visited = django_filters.BooleanFilter(label="已走访", method="filter_visited")

    scope_label = ""

    class Meta:
        model = ListItem
        fields = []

    def search(self, qs, name, value):
        text = clean_text(value).upper()
        if len(text) == 18 and text.isalnum():
            return qs.filter(entry__uscc=text)
        return name_contains(qs, "entry__name", value)

    @property
    def qs(self):
        # The list is what is still to do: closed items only when asked for (领单情况 = 已销号 or 全部).
        qs = super().qs
        if not (self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("status")):
            qs = qs.exclude(status=ListItem.Status.CLOSED)
        return qs

    def filter_status(self, qs, name, value):
        if not value or value == "all":
            return qs
        return qs.filter(status=value)

    def filter_band(self, qs, name, value):
        return qs.filter(band_q(value)) if value else qs

    def filter_visited(self, qs, name, value):
        if value is None:
            return qs
        visited = Exists(Visit.objects.filter(item_id=OuterRef("pk")))
        return qs.filter(visited) if value else qs.exclude(visited)
