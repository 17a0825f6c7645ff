"""Demo union-staff rosters of Wuhu's counties: county and township staff on every post, hired over the
last six years (some this year, some still on probation, a few left), subsidy grades, last year's
appraisals by each county union (the top grade within its cap), and full-time cadres at most — not all —
of the townships, parks and large workplace unions that need one, so that the staffing page has gaps.

Run by the demo loader after the registry: ``load(builder, built)``."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gonghui.core.normalize import normalize_resident_id

from . import services, staffing
from .models import AppraisalGrade, Post, SubsidyGrade
from .reference import seed_reference

COUNTY_POSTS = [("social_worker", 3), ("bargaining_instructor", 2), ("vice_chair", 1), ("public_welfare", 1)]


def load(builder, built) -> dict[str, int]:
    seed_reference()
    rnd = builder.rnd
    today = timezone.localdate()
    posts = {p.code: p for p in Post.objects.all()}
    grades = list(SubsidyGrade.objects.order_by("level"))
    used: set[str] = set()
    hired = []

    def person(union, post, start=None, probation=False):
        while True:
            rid = normalize_resident_id(builder.make_id(1968, 2000))
            if rid.number not in used:
                used.add(rid.number)
                break
        start = start or today - dt.timedelta(days=rnd.randrange(30, 6 * 365))
        data = services.Hire(
            resident_id=rid,
            name=builder.fake.name(),
            union=union,
            post=post,
            start_date=start,
            phone=f"1{rnd.choice('3589')}{rnd.randrange(10**9):09d}",
            employer=rnd.choice(["芜湖市人力资源服务有限公司", "安徽皖江人力资源开发有限公司", ""]),
            probation_end=start + dt.timedelta(days=180) if probation else None,
            grade=rnd.choice(grades) if post.code != "vice_chair" else None,
        )
        worker = services.hire(data)
        hired.append(worker)
        return worker

    counties = [
        built.unions[name] for name in [*builder.towns, "经开区", "三山经开区"] if name in built.unions
    ]
    for county in counties:
        for code, count in COUNTY_POSTS:
            for _ in range(count + rnd.randrange(2)):
                person(county, posts[code])
        for town in county.children.filter(kind__in=staffing.TERRITORIAL_KINDS).order_by("path"):
            for _ in range(1 + rnd.randrange(3)):
                person(town, posts[rnd.choice(["social_worker", "social_worker", "bargaining_instructor"])])
        # Two newcomers this year, on probation.
        for _ in range(2):
            start = today - dt.timedelta(days=rnd.randrange(5, 60))
            person(county, posts["social_worker"], start=start, probation=True)

    # Full-time cadres at two in three of the units that need one (the rest show as 应配未配).
    cadre = posts["full_time_cadre"]
    for county in counties:
        needing = staffing.compute(county, today).needing()
        for i, unit in enumerate(needing):
            if i % 3 != 2:
                person(unit.union, cadre)

    # A few leave; a few change grade.
    for worker in hired[5::23]:
        services.leave(worker, today - dt.timedelta(days=rnd.randrange(1, 20)), note="合同期满不再续聘")
    for worker in hired[3::17]:
        worker.refresh_from_db()  # one of those who just left (in a large demo the two strides meet)
        if worker.is_serving and worker.grade_id and worker.grade != grades[-1]:
            services.change_grade(worker, grades[-1], today, note="年度考核优秀晋档")

    # Last year's appraisals, by each county union over its subtree; 优秀 until the cap refuses it.
    year = today.year - 1
    by_code = {g.code: g for g in AppraisalGrade.objects.all()}
    appraised = 0
    for county in counties:
        for worker in (
            w for w in hired if w.union.path.startswith(county.path) and w.start_date.year <= year
        ):
            pick = rnd.choices(["excellent", "competent", "basic", "incompetent"], [30, 55, 12, 3])[0]
            try:
                services.appraise(worker, year, by_code[pick], county, note="")
            except services.StaffError:
                services.appraise(worker, year, by_code["competent"], county, note="")
            appraised += 1
    # targets stored today's indicator results before this app's demo ran: 专职工会干部配备率 is computed
    # again now that the rosters exist (as supervision does for its meetings).
    from gonghui.targets import indicators

    indicators.refresh_results()
    return {"union_workers": len(hired), "union_worker_appraisals": appraised}
