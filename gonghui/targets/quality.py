"""数据质量看板: the registry entries that make an indicator lie, counted per node, each with its list.

Every check is a queryset of one model restricted to the node's subtree; the board shows its ``count()``
(one indexed query: no loop over members in Python) and the drill-down pages the same queryset, so the
number on the board is the number of rows behind it. Each check names the indicators it distorts; the
indicator page shows its count beside them. The last check reads the indicator figures themselves: any
rate outside 0–100 % is a sign that numerator and denominator do not describe the same people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from gonghui.members.models import HELD_STATUSES, Member, MembershipEvent
from gonghui.orgs.models import GRASSROOTS_KINDS, UnionOrg, Workplace

from . import indicators
from .models import QualityResult

STALE_YEARS = 3
MEMBER_RATES = ("membership_rate_all", "membership_rate_unionised")


def _held_at_workplace():
    return Coalesce(
        Subquery(
            Member.objects.filter(workplace=OuterRef("pk"), status__in=HELD_STATUSES)
            .order_by()
            .values("workplace")
            .annotate(n=Count("*"))
            .values("n")
        ),
        0,
    )


def _workplaces(node: UnionOrg) -> QuerySet:
    return Workplace.objects.filter(governing_union__path__startswith=node.path)


def _grassroots(node: UnionOrg) -> QuerySet:
    return UnionOrg.objects.filter(
        path__startswith=node.path, kind__in=GRASSROOTS_KINDS, status=UnionOrg.Status.ACTIVE
    )


def members_over_employees(node: UnionOrg, today: dt.date) -> QuerySet:
    # One grouped pass over the subtree's held members (the (workplace, status) index), not a count per
    # workplace: a filter on a per-workplace subquery runs before the path join, for every workplace.
    over = (
        Member.objects.filter(
            workplace__governing_union__path__startswith=node.path, status__in=HELD_STATUSES
        )
        .order_by()
        .values("workplace")
        .annotate(n=Count("*"))  # count(*), not count(id): answered from the index alone
        .filter(n__gt=F("workplace__employee_count"))
        .values("workplace")
    )
    return (
        _workplaces(node)
        .filter(pk__in=over)
        .annotate(held=_held_at_workplace())
        .select_related("governing_union")
        .order_by("governing_union__path", "name", "pk")
    )


def zero_employees(node: UnionOrg, today: dt.date) -> QuerySet:
    return (
        _workplaces(node)
        .filter(employee_count=0)
        .annotate(held=_held_at_workplace())
        .select_related("governing_union")
        .order_by("governing_union__path", "name", "pk")
    )


def unions_without_workplace(node: UnionOrg, today: dt.date) -> QuerySet:
    covers = UnionOrg.workplaces.through.objects.filter(unionorg_id=OuterRef("pk"))
    return _grassroots(node).filter(~Exists(covers)).select_related("parent").order_by("path")


def overdue_elections(node: UnionOrg, today: dt.date) -> QuerySet:
    return (
        _grassroots(node)
        .filter(election_due__lt=today)
        .select_related("parent")
        .order_by("election_due", "path")
    )


def stale_unions(node: UnionOrg, today: dt.date) -> QuerySet:
    since = _years_before(today, STALE_YEARS)
    recent = MembershipEvent.objects.filter(union_id=OuterRef("pk"), date__gte=since)
    last = MembershipEvent.objects.filter(union_id=OuterRef("pk")).order_by().values("union_id")
    return (
        _grassroots(node)
        .filter(~Exists(recent))
        .annotate(last_change=Subquery(last.annotate(d=Max("date")).values("d")))
        .select_related("parent")
        .order_by("path")
    )


def id_warnings(node: UnionOrg, today: dt.date) -> QuerySet:
    return (
        Member.objects.filter(union__path__startswith=node.path, status__in=HELD_STATUSES)
        .filter(id_upgraded=True)
        .select_related("union")
        .order_by("union__path", "pk")
    )


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class Check:
    code: str
    title: str
    explain: str
    distorts: tuple[str, ...]  # indicator codes
    kind: str  # what the drill-down lists: workplace / union / member / rate
    rows: Callable[[UnionOrg, dt.date], QuerySet] | None = None

    @property
    def owner_path(self) -> str:
        """The lookup of the union path that puts a row in a node's subtree (what ``rows`` filters on)."""
        return {"workplace": "governing_union__path", "union": "path", "member": "union__path"}[self.kind]


CHECKS: tuple[Check, ...] = (
    Check(
        "members_over_employees",
        "会员数超过职工人数的单位",
        "在会及保留会籍的会员中登记在该单位的人数，多于单位登记的职工人数：职工人数过时或会员挂错单位。"
        "会使职工入会率偏高，甚至超过 100%。",
        MEMBER_RATES,
        "workplace",
        members_over_employees,
    ),
    Check(
        "zero_employees",
        "职工人数为 0 的单位",
        "单位登记的职工人数为 0：入会率的分母缺了这些单位的职工。",
        MEMBER_RATES,
        "workplace",
        zero_employees,
    ),
    Check(
        "unions_without_workplace",
        "未覆盖任何单位的基层工会",
        "正常状态的基层工会没有登记覆盖单位：建会率算不到它覆盖的单位，口径二入会率也不计它的会员。",
        ("legal_entity_coverage", "coverage_25plus", "membership_rate_unionised"),
        "union",
        unions_without_workplace,
    ),
    Check(
        "overdue_elections",
        "逾期未换届的基层工会",
        "应换届日期（本届任期开始 + 任期年限）已过，仍未登记新一届任期。",
        ("election_on_time",),
        "union",
        overdue_elections,
    ),
    Check(
        "id_warnings",
        "身份证号有提示的会员",
        "入会或导入时身份证号带有逐行提示的会员：15 位一代证号已由系统升级为 18 位（导入报告中的「提示」），"
        "可能是录错的旧号码或与 18 位号码重复登记的同一人，请核对。地址码不在区划代码表中的提示多为区划调整"
        "所致，导入时只汇总说明，不在此计数。",
        MEMBER_RATES,
        "member",
        id_warnings,
    ),
    Check(
        "stale_unions",
        f"{STALE_YEARS} 年内无会员变动的基层工会",
        f"近 {STALE_YEARS} 年没有任何入会、转入、转出、保留或退会记录：会员台账可能未随人员变化更新。",
        MEMBER_RATES,
        "union",
        stale_unions,
    ),
    Check(
        "rates_out_of_range",
        "超出 0–100% 的指标比率",
        "本级各指标的合计及各下级单位的比率中，小于 0、大于 100% 或分母为 0 而分子不为 0 的：分子与分母"
        "登记的不是同一批单位或人员（如会员挂在行业工会联合会下，而单位归属地工会）。",
        (),  # beside every indicator that has such a rate
        "rate",
    ),
)
BY_CODE = {c.code: c for c in CHECKS}


def out_of_range(figures: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The indicator rates of the node's figures (the total and each sub-unit) outside 0–100 %, including
    a numerator counted over a denominator of 0 (an unbounded rate, shown as —)."""
    found = []
    for ind in (figures or {}).get("indicators", []):
        # A rate per 10,000 (venues per 10,000 members) has no upper bound of 100.
        top = 100 if ind.get("per", 100) == 100 else float("inf")
        for label, row in [("合计", ind["total"]), *((r["name"], r) for r in ind["rows"])]:
            r = row.get("rate")
            if (r is not None and not 0 <= r <= top) or (r is None and row["num"] > 0):
                found.append(
                    {
                        "code": ind["code"],
                        "indicator": ind["name"],
                        "unit": label,
                        "union_id": row.get("union_id"),
                        "num": row["num"],
                        "den": row["den"],
                        "rate": r,
                    }
                )
    return found


def rows(check: Check, node: UnionOrg, today: dt.date | None = None, figures=None):
    """The drill-down rows of a check (a queryset, or a list for the rate check)."""
    if check.rows is None:
        return out_of_range(figures if figures is not None else indicators.shown(node).figures)
    return check.rows(node, today or timezone.localdate())


DB_CHECKS = tuple(c for c in CHECKS if c.rows is not None)


def live_counts(node: UnionOrg, today: dt.date | None = None) -> dict[str, int]:
    """The count of every registry check for the node, now: one query each."""
    today = today or timezone.localdate()
    return {check.code: check.rows(node, today).count() for check in DB_CHECKS}


def store(node: UnionOrg, day: dt.date | None = None, counts: dict[str, int] | None = None) -> QualityResult:
    """The node's counts of ``day`` stored: ``counts`` when given (the nightly set-based pass), else
    counted now."""
    day = day or timezone.localdate()
    if counts is None:
        counts = live_counts(node, day)
    result, _ = QualityResult.objects.update_or_create(node=node, day=day, defaults={"counts": counts})
    return result


@task()
def store_quality_results(node_id: int, day: str) -> int:
    """Background task: the data-quality counts of a large node that has none stored yet (the board asked
    for them)."""
    from django.core.cache import cache

    node = UnionOrg.objects.get(pk=node_id)
    result = store(node, dt.date.fromisoformat(day))
    cache.delete(f"gonghui:quality-pending:{node_id}:{day}")
    return result.pk


def subtree_counts(nodes: list[UnionOrg], today: dt.date) -> dict[int, dict[str, int]]:
    """What ``live_counts`` counts, for many nodes at once (node pk → counts).

    Set-based (the daily refresh of every federation node): each check's rows of the outermost nodes'
    subtrees counted once, grouped by the owning union's path and added up by path prefix here — instead of
    one query per check and node, which reads a member once per level above it."""
    lengths = sorted({len(n.path) for n in nodes})
    roots = indicators.roots(nodes)
    totals: dict[str, dict[str, int]] = {}
    for check in DB_CHECKS:
        for root in roots:
            grouped = check.rows(root, today).order_by().values(check.owner_path).annotate(n=Count("*"))
            for path, n in grouped.values_list(check.owner_path, "n").iterator(chunk_size=10_000):
                indicators.add_by_prefix(totals, lengths, path, {check.code: n})
    return {node.pk: {c.code: totals.get(node.path, {}).get(c.code, 0) for c in DB_CHECKS} for node in nodes}


def refresh_results(nodes=None, day: dt.date | None = None) -> int:
    """Store today's counts of the federation nodes (province, cities, counties), with the indicators'
    daily refresh (``refresh_targets``); several nodes are counted in one set-based pass."""
    from gonghui.orgs.models import FEDERATION_KINDS

    if nodes is None:
        nodes = UnionOrg.objects.filter(
            kind__in=FEDERATION_KINDS, status=UnionOrg.Status.ACTIVE, depth__lte=2
        )
    nodes = list(nodes)
    day = day or timezone.localdate()
    batch = subtree_counts(nodes, day) if len(nodes) > 1 else {}
    for node in nodes:
        store(node, day, batch.get(node.pk))
    return len(nodes)


@dataclass
class Counts:
    """The board's counts and where they come from: ``live`` (small subtree, counted on this request),
    ``stored`` (a large node's latest daily result) or ``pending`` (a large node never computed: the
    background task is counting)."""

    source: str
    day: dt.date
    counts: dict[str, int] | None
    computed_at: dt.datetime | None = None


def counts_for(node: UnionOrg) -> Counts:
    """Never an unbounded count on a request: live for a small subtree (as the indicators), else the
    latest stored day, else 计算中 while the background task counts."""
    today = timezone.localdate()
    if indicators.small_subtree(node):
        return Counts("live", today, live_counts(node, today))
    latest = QualityResult.objects.filter(node=node).order_by("-day").first()
    if latest is not None:
        return Counts("stored", latest.day, latest.counts, latest.computed_at)
    from django.core.cache import cache

    if cache.add(f"gonghui:quality-pending:{node.pk}:{today}", 1, timeout=15 * 60):
        store_quality_results.enqueue(node.pk, today.isoformat())
    return Counts("pending", today, None)


def board(node: UnionOrg, figures=None, counts: Counts | None = None) -> list[dict[str, Any]]:
    """Every check with its count for the node (None while pending); the rate check reads the figures the
    indicator page shows."""
    if figures is None:
        figures = indicators.shown(node).figures
    counts = counts or counts_for(node)
    out = []
    for check in CHECKS:
        if check.rows is None:
            count = len(out_of_range(figures))
        else:
            count = counts.counts.get(check.code) if counts.counts is not None else None
        out.append({"check": check, "count": count, "url": drill_url(check, node)})
    return out


def drill_url(check: Check, node: UnionOrg) -> str:
    return reverse("targets:quality-drill", args=[node.pk, check.code])


def flags_for_indicators(node: UnionOrg, figures: dict[str, Any] | None) -> dict[str, list[dict]]:
    """indicator code → the board items (count > 0) that distort it, for the badges on the indicator page."""
    flags: dict[str, list[dict]] = {}
    if not figures:
        return flags
    rates = out_of_range(figures)
    for item in board(node, figures=figures):
        check = item["check"]
        if check.code == "rates_out_of_range":
            for code in {r["code"] for r in rates}:
                n = sum(1 for r in rates if r["code"] == code)
                flags.setdefault(code, []).append({**item, "count": n})
            continue
        if item["count"]:  # None while a large node's counts are being computed
            for code in check.distorts:
                flags.setdefault(code, []).append(item)
    return flags


def attach_flags(figures: dict[str, Any] | None, node: UnionOrg) -> None:
    """Give each indicator of the figures its ``quality`` badges (in place; never stored)."""
    flags = flags_for_indicators(node, figures)
    for ind in (figures or {}).get("indicators", []):
        ind["quality"] = flags.get(ind["code"], [])
