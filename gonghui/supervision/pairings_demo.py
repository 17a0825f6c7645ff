"""Demo: 对口联系 as the 2022 plan has it, and this year's.

- The provincial table (附件 2, ``pairings_fixture``: 27 contacts × 2 counties, leaders shown by title) is
  written as the printed .xlsx and imported by the import engine as demo-province — once for 2022 and
  once for the demo's current year — as an upload or ``import_pairings`` would.
- 芜湖市总工会's leaders (市总领导 1 …) are paired with every Wuhu county-level union the province's table
  leaves out (two each), so that all of Wuhu's counties and zones are covered in both years.
- A few visits this year, one of which raises two problems on the county's 问题清单 (对口联系走访).

The demo loader calls ``load_pairings(built)`` (``built.unions["province"]`` and ``["wuhu"]``) after the
registry and the demo accounts exist.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.imports.jobs import run_job
from gonghui.imports.services import create_job

from . import pairings, pairings_fixture, plans
from .counties import county_level_unions
from .models import Pairing, Problem

PLAN_YEAR = 2022


def _import_table(user: User, year: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{year}年对口联系县区表.xlsx"
        pairings_fixture.write_xlsx(path)
        job = create_job(user, "pairings", path, path.name, options={"year": year, "campaign": ""})
        job.confirmed_at = timezone.now()
        job.save(update_fields=["confirmed_at"])
        result = run_job(job, dry_run=False)
    if result is None or not result.committed:
        raise RuntimeError(f"演示数据：{year} 年对口联系表未能导入（{job.message}）")
    return result.extra["pairs"]


def _city_pairings(city_user: User, year: int, province) -> list[Pairing]:
    """The city's leaders, two counties each, for the county-level unions no provincial pair covers."""
    city = city_user.union
    assert city is not None
    paired = set(
        Pairing.objects.filter(year=year, issuer=province, target__path__startswith=city.path).values_list(
            "target_id", flat=True
        )
    )
    left = [u for u in county_level_unions(city) if u.pk not in paired]
    made = []
    for i, union in enumerate(left):
        contact = pairings.Contact(f"市总领导 {i // 2 + 1}", Pairing.ContactKind.LEADER)
        made.append(
            pairings.create_pairing(issuer=city, year=year, contact=contact, target=union, actor=city_user)
        )
    return made


def load_pairings(built, province_user: User | None = None, city_user: User | None = None) -> dict[str, int]:
    """The pairings and visits of the demo (counts for the loader's summary)."""
    province_user = province_user or User.objects.get(username="demo-province")
    city_user = city_user or User.objects.get(username="demo-wuhu")
    plans.seed_departments(built.unions["province"], actor=province_user)
    today = timezone.localdate()
    years = sorted({PLAN_YEAR, today.year})
    count = 0
    city_made: list[Pairing] = []
    for year in years:
        count += _import_table(province_user, year)
        made = _city_pairings(city_user, year, built.unions["province"])
        count += len(made)
        if year == today.year:
            city_made = made

    def day(month: int, dom: int) -> dt.date:
        return min(dt.date(today.year, month, dom), today)

    visits = 0
    # The city's leaders visit most of their counties; the first visit finds problems.
    for i, pairing in enumerate(city_made[:-2]):
        lines = []
        if i == 0:
            lines = [
                pairings.ProblemLine("部分街道工会未配备专职工作人员", Problem.Severity.IMPORTANT),
                pairings.ProblemLine("新就业形态劳动者入会台账更新不及时"),
            ]
        pairings.log_visit(
            pairing,
            visited_on=day(3 + i, 10),
            visitors=f"{pairing.contact}、基层工作部",
            findings="听取县区总工会工作汇报，走访基层工会和职工服务阵地",
            problem_lines=lines,
            actor=city_user,
        )
        visits += 1
    # One provincial pair in Wuhu is visited by the province's leader this year.
    for pairing in Pairing.objects.filter(
        year=today.year, issuer=built.unions["province"], target__parent=built.unions["wuhu"]
    ).order_by("contact")[:1]:
        pairings.log_visit(
            pairing,
            visited_on=day(5, 20),
            visitors=pairing.contact,
            findings="调研县级工会加强年工作推进情况",
            actor=province_user,
        )
        visits += 1
    return {"pairings": count, "pairing_visits": visits}
