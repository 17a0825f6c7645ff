"""The filters of the report list (page, export and API): type, status, submitting unit, year."""

from __future__ import annotations

import django_filters

from gonghui.core.filters import ScopedFilterSet
from gonghui.orgs.filters import SubtreeFilter

from .models import Report, ReportStatus, ReportType


class ReportFilterSet(ScopedFilterSet):
    report_type = django_filters.ModelChoiceFilter(label="报告类型", queryset=ReportType.objects.all())
    status = django_filters.ChoiceFilter(label="状态", choices=ReportStatus.choices)
    node = SubtreeFilter(label="报送单位", path_lookup="node__path")
    year = django_filters.NumberFilter(
        label="年度", field_name="period_end__year", min_value=2000, max_value=2100
    )

    class Meta:
        model = Report
        fields = ["report_type", "status", "node", "year"]
