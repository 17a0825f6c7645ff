"""The demo's year of reports: mixed states, through the services (events written)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from gonghui.reporting.demo import load_reports
from gonghui.reporting.models import Report, ReportEvent

pytestmark = pytest.mark.django_db


def test_load_reports_mixed_states(registry):
    counts = load_reports(
        SimpleNamespace(unions={"wuhu": registry.unions["wuhu"]}), today=dt.date(2025, 3, 15)
    )
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "returned", "approved", "accepted"}
    assert counts["reports"] == Report.objects.count() > 0
    assert set(Report.objects.values_list("node__name", flat=True)) <= {
        "镜湖区总工会",
        "鸠江区总工会",
        "芜湖经济技术开发区总工会",
    }
    approved = Report.objects.filter(status__in=["approved", "accepted"])
    assert approved.exists() and not approved.filter(frozen={}).exists()
    assert (
        ReportEvent.objects.filter(action="退回").count() == Report.objects.filter(status="returned").count()
    )
