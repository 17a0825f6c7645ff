"""The filters of the problem list (page, export and API): county, status, source, severity, overdue
(an open problem with a task past its deadline), keyword."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef
from django.utils import timezone

from gonghui.core.filters import ScopedFilterSet
from gonghui.core.normalize import clean_text
from gonghui.core.scope import home_node
from gonghui.orgs.models import UnionOrg

from .counties import county_level_unions
from .models import Problem, Task


def overdue_problems(qs, today=None):
    """Open problems with at least one task past its deadline and not closed."""
    late = Task.objects.overdue(today or timezone.localdate()).filter(problem=OuterRef("pk"))
    return qs.filter(Exists(late), status=Problem.Status.OPEN)


class ProblemFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="问题关键字", method="search")
    county = django_filters.ModelChoiceFilter(
        label="县级工会", queryset=UnionOrg.objects.none(), method="filter_county"
    )
    status = django_filters.ChoiceFilter(label="状态", choices=Problem.Status.choices)
    source = django_filters.ChoiceFilter(label="问题来源", choices=Problem.Source.choices)
    severity = django_filters.ChoiceFilter(label="严重程度", choices=Problem.Severity.choices)
    overdue = django_filters.BooleanFilter(label="含逾期任务", method="filter_overdue")

    class Meta:
        model = Problem
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        node = home_node(getattr(self.request, "user", None))
        counties = county_level_unions(node) if node is not None else UnionOrg.objects.none()
        self.filters["county"].queryset = self.form.fields["county"].queryset = counties

    def search(self, qs, name, value):
        text = clean_text(value)
        return qs.filter(description__icontains=text) if text else qs

    def filter_county(self, qs, name, value):
        return qs.filter(union__path__startswith=value.path) if value else qs

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        late = overdue_problems(Problem.objects.all()).values("pk")
        return qs.filter(pk__in=late) if value else qs.exclude(pk__in=late)
