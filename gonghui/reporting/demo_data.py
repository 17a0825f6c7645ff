"""Demo: a year of periodic reports for Wuhu's county-level unions (``demo.load_reports``) and the 年报
of the statistical year 2022-10-01..2023-09-30: each county fills it from the registry and submits it
(a county whose logical checks fail keeps it as a draft with the reasons on its form), the city approves
what came up."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from gonghui.accounts.models import Role
from gonghui.supervision.counties import county_level_unions

from . import services
from .demo import _stand_in, load_reports
from .links import ANNUAL_TYPE
from .models import Report, ReportStatus, ReportType

STAT_YEAR_2023 = dt.date(2022, 10, 1)


def load_annual_2023(built) -> dict[str, int]:
    wuhu = built.unions["wuhu"]
    city_admin = _stand_in(wuhu, Role.CITY_ADMIN)
    rtype = ReportType.objects.get(code=ANNUAL_TYPE)
    submitted = held_back = 0
    for county in county_level_unions(wuhu):
        county_admin = _stand_in(county, Role.COUNTY_ADMIN)
        report = services.open_report(rtype, county, STAT_YEAR_2023, actor=county_admin)
        services.save_draft(
            report, actor=county_admin, sections={"notes": "数据取自实名制会员库和单位登记库。"}
        )
        try:
            services.submit(report, actor=county_admin)
        except ValidationError:
            held_back += 1
            continue
        submitted += 1
        services.approve(report, actor=city_admin)
    return {"annual_reports_2023": submitted, "annual_reports_2023_held_back": held_back}


def load(builder, built) -> dict[str, int]:
    counts = load_reports(built)
    counts.update(load_annual_2023(built))
    counts["reports_approved"] = Report.objects.filter(status=ReportStatus.APPROVED).count()
    return counts
