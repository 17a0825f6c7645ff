"""The finalised evaluation goes up as the 年评价 report: a county's report carries its score, rank and
一票否决 from its parent's evaluation; the city's own report counts the units it evaluated."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.evaluation import services
from gonghui.reporting import services as reports
from gonghui.reporting.models import ReportStatus, ReportType
from gonghui.reporting.types import seed_report_types

from .helpers import build, score_all_manual
from .test_evaluation import ORG, RATES

pytestmark = pytest.mark.django_db


def figures_of(report) -> dict:
    return {row.code: row.registry for row in reports.figure_rows(report)}


def test_the_annual_evaluation_report_carries_the_finalised_evaluation(registry, values):
    seed_report_types()
    rtype = ReportType.objects.get(code="annual_evaluation")
    u, users = registry.unions, registry.users
    world = build(registry, values, RATES, ORG)
    county = reports.open_report(rtype, u["jinghu"], dt.date(2023, 1, 1), actor=users["jinghu"])
    assert figures_of(county)["evaluation_total"] is None  # not finalised yet: nothing to report

    score_all_manual(world, registry, {"jinghu": "40", "jiujiang": "30", "zone": "35"})
    services.finalise(world.evaluation, actor=users["wuhu"])
    mine = figures_of(county)
    assert (mine["evaluation_total"], mine["evaluation_rank"], mine["evaluation_vetoed"]) == (100, 1, 1)
    reports.submit(county, actor=users["jinghu"])
    reports.approve(county, actor=users["wuhu"])
    county.refresh_from_db()
    assert county.status == ReportStatus.APPROVED and county.frozen  # the approved figures are kept

    city = reports.open_report(rtype, u["wuhu"], dt.date(2023, 1, 1), actor=users["wuhu"])
    theirs = figures_of(city)
    assert (
        theirs["evaluation_units"],
        theirs["evaluation_units_vetoed"],
        theirs["evaluation_units_award"],
    ) == (
        3,
        1,
        2,
    )
