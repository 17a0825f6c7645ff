import datetime as dt

import django_filters
from django import forms
from django.db.models import Q

from gonghui.core.filters import ScopedFilterSet
from gonghui.core.normalize import clean_text
from gonghui.core.scope import within
from gonghui.core.search import name_contains

from .models import Industry, Ownership, UnionKind, UnionOrg, Workplace


class SubtreeFilter(django_filters.NumberFilter):
    """?union=<id>: rows of that union and everything under it (only if the user can see that union)."""

    def __init__(self, *args, path_lookup: str, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(*args, **kwargs)
        self.path_lookup = path_lookup

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        node = UnionOrg.objects.visible_to(self.parent.request.user).filter(pk=value).first()
        if node is None:
            return qs.none()
        self.parent.scope_label = f"{node.name}（含下级）"
        return within(qs, self.path_lookup, node.path)


class WorkplaceFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="名称关键字或信用代码", method="search")
    union = SubtreeFilter(label="属地工会", path_lookup="governing_union__path")
    ownership = django_filters.ChoiceFilter(label="单位性质", choices=Ownership.choices)
    industry = django_filters.ChoiceFilter(label="所属行业", choices=Industry.choices)
    organised = django_filters.BooleanFilter(label="是否建会", method="filter_organised")
    min_employees = django_filters.NumberFilter(
        label="职工人数≥", field_name="employee_count", lookup_expr="gte"
    )
    has_workers_congress = django_filters.BooleanFilter(label="职代会")

    scope_label = ""

    class Meta:
        model = Workplace
        fields = []

    def search(self, qs, name, value):
        """An 18-character code is a USCC (exact); anything else is a keyword in the name (contains)."""
        text = clean_text(value).upper()
        if len(text) == 18 and text.isalnum():
            return qs.filter(uscc=text)
        return name_contains(qs, "name", value)

    def filter_organised(self, qs, name, value):
        if value is None:
            return qs
        organised = Q(unions__status=UnionOrg.Status.ACTIVE)
        ids = Workplace.objects.filter(organised).values("id")
        return qs.filter(id__in=ids) if value else qs.exclude(id__in=ids)


class UnionOrgFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="工会名称关键字", method="search")
    union = SubtreeFilter(label="上级工会", path_lookup="path")
    kind = django_filters.ChoiceFilter(label="组织类型", choices=UnionKind.choices)
    status = django_filters.ChoiceFilter(label="状态", choices=UnionOrg.Status.choices)
    election = django_filters.ChoiceFilter(
        label="换届",
        choices=[("overdue", "换届逾期"), ("due3", "三个月内到期")],
        method="filter_election",
    )
    founded_after = django_filters.DateFilter(label="成立日期起", field_name="founded_on", lookup_expr="gte")
    founded_before = django_filters.DateFilter(label="成立日期止", field_name="founded_on", lookup_expr="lte")

    scope_label = ""

    class Meta:
        model = UnionOrg
        fields = []

    def search(self, qs, name, value):
        return name_contains(qs, "name", value)

    def filter_election(self, qs, name, value):
        today = dt.date.today()
        active = qs.filter(status=UnionOrg.Status.ACTIVE)
        if value == "overdue":
            return active.filter(election_due__lt=today)
        if value == "due3":
            return active.filter(election_due__gte=today, election_due__lte=today + dt.timedelta(days=92))
        return qs
