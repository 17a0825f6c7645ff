"""What reporting plugs into its neighbours: the 年报 carries the annual statistics' headline figures and
cannot be submitted while a logical check fails; the evaluation reads 半年报告按时报送率 from the reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.evaluation import sources
from gonghui.orgs.models import WorkplaceState
from gonghui.reporting import annual, services
from gonghui.reporting.models import Report, ReportEvent, ReportStatus, ReportType
from gonghui.reporting.types import seed_report_types
from tests.reporting.helpers import H1_2024, submitted

pytestmark = pytest.mark.django_db

STAT_YEAR_2023 = dt.date(2022, 10, 1)  # the statistical year 2022-10-01 .. 2023-09-30


def annual_report(reg, key: str = "jinghu") -> Report:
    seed_report_types()
    rtype = ReportType.objects.get(code="annual_statistics")
    return services.open_report(rtype, reg.unions[key], STAT_YEAR_2023, actor=reg.users[key])


def test_the_annual_report_carries_the_headline_figures_of_the_statistics(registry):
    report = annual_report(registry)
    rows = {row.code: row.registry for row in services.figure_rows(report)}
    summary = annual.compute(registry.unions["jinghu"], dt.date(2023, 9, 30)).summary()
    assert rows["annual_members"] == summary["members"] and summary["members"] > 0
    assert rows["annual_grassroots_unions"] == summary["grassroots_unions"]
    assert rows["annual_women_members"] == summary["women_members"]


def test_a_failing_logical_check_stops_the_submission_and_names_the_records(registry):
    u, w = registry.unions, registry.workplaces
    report = annual_report(registry)
    WorkplaceState.objects.filter(workplace=w["jinghu_a"]).update(employee_count=1)
    with pytest.raises(ValidationError) as refused:
        services.submit(report, actor=registry.users["jinghu"])
    assert "逻辑检查有 1 项未通过，不能提交" in str(refused.value)
    assert "镜湖甲公司工会委员会" in str(refused.value)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and not report.events.filter(action="提交").exists()
    # Corrected in the registry: the same report goes up.
    WorkplaceState.objects.filter(workplace=w["jinghu_a"]).update(employee_count=500)
    services.submit(report, actor=registry.users["jinghu"])
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and u["jinghu"].pk == report.node_id


def test_report_on_time_counts_the_first_submission_against_the_due_date(registry):
    on_time = submitted(registry, "jiujiang", start=H1_2024)
    source = sources.get("report_on_time")
    assert source is not None
    # Submitted today, long after the 2024 due date: late.
    reading = source.fn(registry.unions["jiujiang"], 2024)
    assert reading.value == 0 and "应报 1 份，按时报送 0 份" in reading.note
    first = ReportEvent.objects.get(report=on_time, to_status=ReportStatus.SUBMITTED)
    first.at = timezone.make_aware(dt.datetime.combine(on_time.due_date, dt.time(9)))
    first.save(update_fields=["at"])
    assert source.fn(registry.unions["jiujiang"], 2024).value == 100
    assert source.fn(registry.unions["jinghu"], 2024).value is None  # nothing was due
