"""Shared set-up of the reporting tests: the seeded types and a report of 鸠江区 for a past period."""

from __future__ import annotations

import datetime as dt

from gonghui.reporting import services
from gonghui.reporting.models import Report, ReportType
from gonghui.reporting.types import seed_report_types
from tests.factories import Registry

# A half-year of the registry's past (the factories register workplaces in 2020).
H1_2024 = dt.date(2024, 1, 1)


def half_year_type() -> ReportType:
    seed_report_types()
    return ReportType.objects.get(code="half_year_summary")


def evaluation_type() -> ReportType:
    """年评价: counties report to the city, the city to the province."""
    seed_report_types()
    return ReportType.objects.get(code="annual_evaluation")


def draft(reg: Registry, key: str = "jiujiang", rtype: ReportType | None = None, start=H1_2024) -> Report:
    rtype = rtype or half_year_type()
    return services.open_report(rtype, reg.unions[key], start, actor=reg.users[key])


def submitted(reg: Registry, key: str = "jiujiang", rtype: ReportType | None = None, start=H1_2024) -> Report:
    report = draft(reg, key, rtype, start)
    first = report.report_type.sections[0]["code"]
    services.save_draft(report, actor=reg.users[key], sections={first: "上半年工作总结"})
    return services.submit(report, actor=reg.users[key])
