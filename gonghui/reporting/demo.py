"""Demo reports: a year of 月督导, 季通报 and 半年总结 for Wuhu's county-level unions in mixed states.

``load_reports(built)`` is called by the demo loader with its ``built`` (``built.unions["wuhu"]``);
every step goes through the services, acted by stand-in administrators of the county and of the city
(unsaved users: the events and audit rows name no account, as the system's acts do).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.accounts.models import Role, User
from gonghui.orgs.models import UnionOrg
from gonghui.supervision.counties import county_level_unions

from . import periods, services
from .models import Report, ReportType
from .types import seed_report_types

DEMO_TYPES = ("monthly_supervision", "quarterly_bulletin", "half_year_summary")
TEXT = {
    "progress": "本月走访未建会企业，督促重点企业建会，推进新就业形态劳动者入会。",
    "problems": "部分小微企业职工流动性大，建会后会员数量不稳定。",
    "summary": "本季度建会入会工作按计划推进。",
    "work": "上半年围绕建会入会目标任务，开展集中行动，新建基层工会组织，发展会员。",
    "plans": "下半年继续推进重点群体入会，做好换届督促和数据质量核查。",
}
# The fate of a report by its age (periods back from the latest ended one): older ones have gone
# through, recent ones are under way; None leaves the slot empty (due or overdue in the calendar).
FATES = ["draft", "submitted", "returned", "approved", "accepted", None]


def _stand_in(union: UnionOrg, role: str) -> User:
    return User(username="", union=union, role=role, is_active=True)


def _fate(age: int, index: int) -> str | None:
    if age == 0:
        return [None, "draft", "submitted", "returned"][index % 4]
    if age == 1:
        return ["submitted", "approved", "returned", "accepted", None][index % 5]
    return "accepted" if (age + index) % 4 else "approved"


def load_reports(built, today: dt.date | None = None) -> dict[str, int]:
    """A year of reports for Wuhu's county-level unions; returns counts for the demo's summary."""
    seed_report_types()
    today = today or timezone.localdate()
    wuhu: UnionOrg = built.unions["wuhu"]
    province = wuhu.parent
    city_admin = _stand_in(wuhu, Role.CITY_ADMIN)
    province_admin = _stand_in(province, Role.PROVINCE_ADMIN) if province else None
    counties = list(county_level_unions(wuhu))
    made = 0
    for code in DEMO_TYPES:
        rtype = ReportType.objects.get(code=code)
        ended = [
            p
            for p in periods.periods_between(rtype.period_kind, today - dt.timedelta(days=365), today)
            if p.end < today
        ]
        for age, period in enumerate(reversed(ended)):
            for index, county in enumerate(counties):
                fate = _fate(age, index)
                if fate is None:
                    continue
                county_admin = _stand_in(county, Role.COUNTY_ADMIN)
                report = services.open_report(rtype, county, period.start, actor=county_admin)
                if report.status != "draft":
                    continue
                sections = {s["code"]: TEXT.get(s["code"], "按要求报送。") for s in rtype.sections}
                services.save_draft(report, actor=county_admin, sections=sections)
                made += 1
                if fate == "draft":
                    continue
                try:
                    services.submit(report, actor=county_admin)
                except ValidationError:  # refused (e.g. no parent): left as a draft
                    continue
                if fate == "submitted":
                    continue
                if fate == "returned":
                    services.return_report(
                        report, actor=city_admin, reason="数据与台账不一致，请核对后重新报送"
                    )
                    continue
                services.approve(report, actor=city_admin)
                if fate == "accepted" and province_admin is not None:
                    services.accept(report, actor=province_admin)
    return {"reports": made, "reports_total": Report.objects.count()}
