"""The filters of the report list (page, export and API): type, status, submitting unit, year, overdue."""

from __future__ import annotations

import django_filters
from django.utils import timezone

from gonghui.core.filters import ScopedFilterSet
from gonghui.orgs.filters import SubtreeFilter

from .models import EDITABLE_STATUSES, Report, ReportStatus, ReportType


class ReportFilterSet(ScopedFilterSet):
    report_type = django_filters.ModelChoiceFilter(label="报告类型", queryset=ReportType.objects.all())
    status = django_filters.ChoiceFilter(label="状态", choices=ReportStatus.choices)
    node = SubtreeFilter(label="报送单位", path_lookup="node__path")
    year = django_filters.NumberFilter(
        label="年度", field_name="period_end__year", min_value=2000, max_value=2100
    )
    overdue = django_filters.BooleanFilter(label="逾期未报", method="filter_overdue")

    class Meta:
        model = Report
        fields = ["report_type", "status", "node", "year", "overdue"]

    def filter_overdue(self, qs, name, value):
        """逾期未报: past the due date and not (yet, or again after a return) submitted — the calendar's
        overdue list, less the units that have not opened their report at all (no row to list)."""
        if value is None:
            return qs
        late = {"status__in": EDITABLE_STATUSES, "due_date__lt": timezone.localdate()}
        return qs.filter(**late) if value else qs.exclude(**late)
