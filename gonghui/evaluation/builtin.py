"""The score sources this app registers from the apps on main (``setup.register``): target completion and
indicators (targets), pairings visited, problems closed, tasks closed on time and joint meetings
(supervision). Each reads the unit's figures as of the year's end (``sources.year_end``) from dated
records — never today's state labelled with a past date.

Another app adds its own with ``sources.register`` (the reporting app: 半年报告按时报送率).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from gonghui.orgs.models import UnionOrg
from gonghui.supervision.models import Meeting, Pairing, Problem, Task, TaskStatus
from gonghui.targets import indicators, progress
from gonghui.targets.models import Metric, TargetPlan

from . import sources
from .sources import Reading


def _end_of(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` (events ``at`` before it happened on or before ``day``)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _pct(num: int, den: int) -> Decimal:
    return Decimal(num * 100) / Decimal(den)


# ---------------------------------------------------------------------- targets
def _plan_for(unit: UnionOrg, year: int) -> TargetPlan | None:
    """The year's target plan holding a row for the unit, the nearest issuer first (a city's plan
    before the province's)."""
    return (
        TargetPlan.objects.filter(year=year, items__union=unit)
        .select_related("issuer")
        .order_by("-issuer__depth", "pk")
        .distinct()
        .first()
    )


def _completion(unit: UnionOrg, year: int, kinds: tuple[str, ...]) -> Reading:
    plan = _plan_for(unit, year)
    if plan is None:
        return Reading(None, f"{year}年度目标任务中没有该单位")
    as_of = sources.year_end(year)
    figures = sources.memo(("plan", plan.pk, as_of), lambda: progress.compute(plan, as_of))
    row = next((r for r in figures["rows"] if r["union_id"] == unit.pk), None)
    codes = [m["code"] for m in figures["metrics"] if m["source"] in kinds]
    pcts = [row["cells"][c]["pct"] for c in codes if row and row["cells"].get(c, {}).get("pct") is not None]
    if not pcts:
        return Reading(None, f"「{plan.title}」中该单位没有相应目标")
    # Several metrics (建会 and 入会): the lower completion decides whether the goal was met.
    return Reading(Decimal(str(min(pcts))), f"「{plan.title}」截至 {as_of:%Y-%m-%d}")


def target_founded(unit: UnionOrg, year: int) -> Reading:
    return _completion(unit, year, (Metric.Source.UNIONS_FOUNDED,))


def target_members(unit: UnionOrg, year: int) -> Reading:
    return _completion(unit, year, (Metric.Source.MEMBERS_NET,))


def target_org_building(unit: UnionOrg, year: int) -> Reading:
    return _completion(unit, year, (Metric.Source.UNIONS_FOUNDED, Metric.Source.MEMBERS_NET))


# ---------------------------------------------------------------------- indicators
def _indicator(definition: str):
    def read(unit: UnionOrg, year: int) -> Reading:
        as_of = sources.year_end(year)
        figures = sources.memo(("indicators", unit.pk, as_of), lambda: indicators.figures_as_of(unit, as_of))
        if figures.get("unavailable"):
            return Reading(None, figures["unavailable"])
        found = next((i for i in figures["indicators"] if i["definition"] == definition), None)
        if found is None or found.get("unavailable"):
            return Reading(None, (found or {}).get("unavailable", "该指标未启用"))
        total = found["total"]
        if total["rate"] is None:
            return Reading(None, f"{found['denominator']}为 0，无法计算")
        return Reading(Decimal(str(total["rate"])), f"{total['num']} / {total['den']}，截至 {as_of:%Y-%m-%d}")

    return read


# ---------------------------------------------------------------------- supervision
def pairings_visited(unit: UnionOrg, year: int) -> Reading:
    """Share of the unit's pairings of the year visited at least once in the year (by the year's end)."""
    as_of = sources.year_end(year)
    pairings = Pairing.objects.filter(target=unit, year=year)
    total = pairings.count()
    if not total:
        return Reading(None, f"{year}年度没有对口联系")
    visited = (
        pairings.filter(visits__visited_on__gte=dt.date(year, 1, 1), visits__visited_on__lte=as_of)
        .distinct()
        .count()
    )
    return Reading(_pct(visited, total), f"{visited} / {total} 对已走访")


def _status_on(current: str, events: list[tuple[dt.datetime, str]], end: dt.datetime, first: str) -> str:
    """The status a row had at ``end``: its last step before then (the events' to-status)."""
    before = [status for at, status in events if at < end and status]
    if before:
        return before[-1]
    return first if events else current


def problems_closed(unit: UnionOrg, year: int) -> Reading:
    """Share of the unit's 问题清单 items open during the year (found by its end, not closed before it
    began) that were closed (销号) by the year's end, each problem's status read from its steps."""
    as_of = sources.year_end(year)
    start, end = _end_of(dt.date(year, 1, 1) - dt.timedelta(days=1)), _end_of(as_of)
    counted = closed = 0
    for problem in Problem.objects.filter(union=unit, found_on__lte=as_of).prefetch_related("events"):
        steps = [(e.at, e.to_status) for e in problem.events.all()]
        if not steps and problem.closed_at is not None:  # closed without recorded steps: its closing time
            steps = [(problem.closed_at, Problem.Status.CLOSED)]
        if _status_on(problem.status, steps, start, Problem.Status.OPEN) == Problem.Status.CLOSED:
            continue
        counted += 1
        closed += _status_on(problem.status, steps, end, Problem.Status.OPEN) == Problem.Status.CLOSED
    if not counted:
        return Reading(None, f"{year}年度问题清单为空")
    return Reading(_pct(closed, counted), f"{closed} / {counted} 项已销号")


def tasks_on_time(unit: UnionOrg, year: int) -> Reading:
    """Share of the unit's tasks due in the year (by the year's end) that were closed (销号) by their
    deadline, each task's status on its deadline read from its steps."""
    as_of = sources.year_end(year)
    tasks = Task.objects.filter(assignee=unit, deadline__gte=dt.date(year, 1, 1), deadline__lte=as_of)
    due = on_time = 0
    for task in tasks.prefetch_related("events"):
        steps = [(e.at, e.to_status) for e in task.events.all()]
        if not steps and task.closed_at is not None:
            steps = [(task.closed_at, TaskStatus.DONE)]
        due += 1
        on_time += (
            _status_on(task.status, steps, _end_of(task.deadline), TaskStatus.NOT_STARTED) == TaskStatus.DONE
        )
    if not due:
        return Reading(None, f"{year}年度没有到期的工作任务")
    return Reading(_pct(on_time, due), f"{on_time} / {due} 项按期销号")


def joint_meetings(unit: UnionOrg, year: int) -> Reading:
    """联席会议 held in the year (by its end): their number."""
    as_of = sources.year_end(year)
    held = Meeting.objects.filter(
        union=unit, kind=Meeting.Kind.JOINT, held_on__gte=dt.date(year, 1, 1), held_on__lte=as_of
    )
    count = held.count()
    solved = sum(held.values_list("issues_solved", flat=True))
    return Reading(Decimal(count), f"召开 {count} 次，解决问题 {solved} 个")


INDICATOR_SOURCES = {
    "legal_entity_coverage": "法人单位建会率",
    "coverage_25plus": "25人以上单位建会率",
    "membership_rate_all": "职工入会率（口径一）",
    "membership_rate_unionised": "职工入会率（口径二）",
    "congress_public": "职代会建制率（国有、事业单位）",
    "open_affairs_public": "厂务公开建制率（国有、事业单位）",
    "congress_nonpublic100": "职代会建制率（100人以上非公企业）",
    "open_affairs_nonpublic100": "厂务公开建制率（100人以上非公企业）",
}


def register() -> None:
    sources.register("target_founded", "新建工会目标完成率", target_founded)
    sources.register("target_members", "会员净增目标完成率", target_members)
    sources.register("target_org_building", "组织建设目标完成率（建会、入会取低者）", target_org_building)
    for definition, name in INDICATOR_SOURCES.items():
        sources.register(f"indicator_{definition}", name, _indicator(definition))
    sources.register("pairings_visited", "对口联系走访率", pairings_visited)
    sources.register("problems_closed", "问题清单销号率", problems_closed)
    sources.register("tasks_on_time", "工作任务按期销号率", tasks_on_time)
    sources.register("joint_meetings", "联席会议召开次数", joint_meetings, unit="次")
