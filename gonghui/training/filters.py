"""The filters of the session list (page, export, API): title, kind, organiser subtree, end dates, mode,
status. The per-county page's cells link here (organiser + kind + the year's dates)."""

from __future__ import annotations

import django_filters

from gonghui.core.filters import ScopedFilterSet
from gonghui.core.normalize import clean_text
from gonghui.orgs.filters import SubtreeFilter

from .models import AttendanceMode, SessionStatus, TrainingKind, TrainingSession


class TrainingSessionFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="培训班名称", method="search")
    kind = django_filters.ModelChoiceFilter(label="培训类别", queryset=TrainingKind.objects.all())
    organiser = SubtreeFilter(label="主办工会", path_lookup="organiser__path")
    ended_from = django_filters.DateFilter(label="结业日期起", field_name="end_date", lookup_expr="gte")
    ended_to = django_filters.DateFilter(label="结业日期止", field_name="end_date", lookup_expr="lte")
    mode = django_filters.ChoiceFilter(label="参训登记方式", choices=AttendanceMode.choices)
    status = django_filters.ChoiceFilter(label="状态", choices=SessionStatus.choices)

    scope_label = ""

    class Meta:
        model = TrainingSession
        fields = []

    def search(self, qs, name, value):
        text = clean_text(value)
        return qs.filter(title__icontains=text) if text else qs
