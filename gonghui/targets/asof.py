"""The indicator counts as of a past date, from the dated registry — kept apart from the definitions.

``indicators.raw_counts`` counts today's registry (the current workplace rows, members and unions).
For a day D before today every number must be D's, so this module counts the same keys from what the
registry knew on D:

- workplaces: the ``WorkplaceState`` valid on D (属地工会, 性质, 法人, 职工人数, 建制 flags) of the
  workplaces registered on or before D and not closed by D; a flag counts only if its 建立日期 (when
  given) is not after D;
- coverage (已建会): a union covering the workplace that existed on D (founded — or, without a founding
  date, entered — on or before D, and not revoked or merged by D), through a link made by D (a link
  made with the union holds from its founding);
- members: the membership events dated on or before D (the growth cube plus its live tail: exact, and
  no scan of the member table); 口径二 leaves out the members of unions that cover no workplace;
- grassroots unions and terms: the unions that existed on D; a term counts when it began on or before
  D (its due date decides 按期 on D).

What the registry cannot answer is said, never filled in with today's values (``unavailable_reason``,
``unknown_terms``): a day after today, a day before the node's first registration, workplaces whose
attributes on D were not recorded (rows from before the history was kept, edited since), unions
re-elected after D (the term they were in on D is not kept).

Keep the keys in step with ``indicators.raw_counts`` (a test compares both as of today).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, Min, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from gonghui.members.models import MembershipEvent
from gonghui.orgs.models import (
    GRASSROOTS_KINDS,
    UnionOrg,
    Workplace,
    WorkplaceState,
)

from .counting import grouped, workplace_aggregates

EPOCH = dt.date(1900, 1, 1)
FLAGS = ("workers_congress", "open_affairs", "employee_director", "employee_supervisor")


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _end_of(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in the site's time zone (for created_at comparisons)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def union_existed(day: dt.date, prefix: str = "") -> Q:
    """The union existed on ``day``: founded on or before it (entered on or before it when no founding
    date is recorded) and not revoked or merged by it."""
    p = prefix
    founded = Q(**{f"{p}founded_on__lte": day}) | Q(
        **{f"{p}founded_on__isnull": True, f"{p}created_at__lt": _end_of(day)}
    )
    standing = Q(**{f"{p}status": UnionOrg.Status.ACTIVE}) | Q(**{f"{p}status_changed_on__gt": day})
    return founded & standing


def link_made(day: dt.date) -> Q:
    """A coverage link counts on ``day``: made on or before it, or made the day its union was entered
    (then it holds from the union's founding, which ``union_existed`` checks)."""
    return Q(since__lte=day) | Q(since__lte=TruncDate("unionorg__created_at"))


def workplace_present(day: dt.date, prefix: str = "") -> Q:
    p = prefix
    return Q(**{f"{p}registered_on__lte": day}) & (
        Q(**{f"{p}closed_on__isnull": True}) | Q(**{f"{p}closed_on__gt": day})
    )


def state_valid(day: dt.date, prefix: str = "") -> Q:
    p = prefix
    return Q(**{f"{p}valid_from__lte": day}) & (
        Q(**{f"{p}valid_to__isnull": True}) | Q(**{f"{p}valid_to__gt": day})
    )


def flag_on(name: str, day: dt.date) -> Q:
    return Q(**{f"has_{name}": True}) & (
        Q(**{f"{name}_since__isnull": True}) | Q(**{f"{name}_since__lte": day})
    )


def raw_counts_as_of(node: UnionOrg, day: dt.date) -> dict[str, dict[str, int]]:
    """The keys of ``indicators.raw_counts`` per child path (and "" for the node), counted as of ``day``."""
    from . import cube

    # The sub-units of that day: a union founded after it has no row (one revoked by then keeps its
    # row, as today's count keeps revoked sub-units; federations rarely record a founding date).
    founded = Q(founded_on__lte=day) | Q(founded_on__isnull=True)
    children = list(
        UnionOrg.objects.filter(founded, parent=node).order_by("kind", "name").values_list("path", flat=True)
    )
    length = len(node.path) + 9
    through = UnionOrg.workplaces.through
    covered = Exists(
        through.objects.filter(workplace_id=OuterRef("workplace_id"))
        .filter(union_existed(day, "unionorg__"))
        .filter(link_made(day))
    )
    states = (
        WorkplaceState.objects.filter(state_valid(day), governing_union__path__startswith=node.path)
        .filter(workplace_present(day, "workplace__"))
        .annotate(covered=covered)
    )
    wp_aggs = workplace_aggregates(flag_on("workers_congress", day), flag_on("open_affairs", day))
    unions = UnionOrg.objects.filter(path__startswith=node.path, kind__in=GRASSROOTS_KINDS).filter(
        union_existed(day)
    )
    termed = Q(election_due__isnull=False, term_start__lte=day)
    un_aggs = {
        "grassroots": Count("id"),
        "termed": Count("id", filter=termed),
        "on_time": Count("id", filter=termed & Q(election_due__gte=day)),
    }
    per_child = {
        "wp": grouped(states, "governing_union__path", length, wp_aggs),
        "un": grouped(unions, "path", length, un_aggs),
    }

    # Members held on ``day`` = the net of every membership event up to it (join +1, exits −1, a
    # transfer −1 here and +1 there). 口径二 counts the members of unions covering a workplace: all
    # members less those of the unions that cover none (federations, industry unions: few unions).
    held = cube.growth([*children, node.path], EPOCH, day)
    uncovered_unions = UnionOrg.objects.filter(path__startswith=node.path).filter(
        ~Exists(through.objects.filter(unionorg_id=OuterRef("pk")))
    )
    uncovered = grouped(
        MembershipEvent.objects.filter(date__lte=day, union__in=uncovered_unions),
        "union__path",
        length,
        {"n": Sum("delta")},
    )

    out: dict[str, dict[str, int]] = {}
    for p in [*children, ""]:
        merged: dict[str, int] = {}
        for key in ("wp", "un"):
            group = per_child[key]
            if p == "":
                for values in group.values():
                    for k, v in values.items():
                        merged[k] = merged.get(k, 0) + (v or 0)
            else:
                for k, v in group.get(p, {}).items():
                    merged[k] = v or 0
        members = held[node.path if p == "" else p]["net"]
        if p == "":
            outside = sum((v["n"] or 0) for v in uncovered.values())
        else:
            outside = (uncovered.get(p) or {}).get("n") or 0
        merged["members"] = members
        merged["members_cov"] = members - outside
        out[p] = merged
    return out


def unavailable_reason(node: UnionOrg, day: dt.date) -> str | None:
    """Why the registry cannot give the node's figures as of ``day`` (None: it can)."""
    today = timezone.localdate()
    if day > today:
        return f"不提供该日期的数据：{cn_date(day)}晚于今天，指标只能统计到今天（{cn_date(today)}）。"
    workplaces = Workplace.objects.filter(governing_union__path__startswith=node.path)
    earliest = workplaces.aggregate(first=Min("registered_on"))["first"]
    if earliest is not None and day < earliest:
        return (
            f"不提供该日期的数据：{cn_date(day)}早于本单位台账中最早的单位登记日期（{cn_date(earliest)}），"
            "该日尚无登记数据。"
        )
    recorded = WorkplaceState.objects.filter(state_valid(day), workplace_id=OuterRef("pk"))
    missing = workplaces.filter(workplace_present(day)).filter(~Exists(recorded))
    count = missing.count()
    if count:
        first = (
            WorkplaceState.objects.filter(workplace__in=missing)
            .values("workplace_id")
            .annotate(start=Min("valid_from"))
            .aggregate(latest=Min("start"))["latest"]
        )
        since = f"（按日期的记录最早始于{cn_date(first)}）" if first else ""
        return (
            f"不提供该日期的数据：有 {count} 个单位在{cn_date(day)}的职工人数、单位性质和建制情况没有按日期的记录"
            f"{since}，只能按今天的登记信息计算，不能当作该日的数字。"
        )
    return None


def unknown_terms(node: UnionOrg, day: dt.date) -> int:
    """Grassroots unions that existed on ``day`` and were re-elected after it: the term they were in on
    ``day`` is not kept, so 换届按期率 as of ``day`` cannot be counted."""
    return (
        UnionOrg.objects.filter(path__startswith=node.path, kind__in=GRASSROOTS_KINDS, term_start__gt=day)
        .filter(union_existed(day))
        .count()
    )


def unavailable_figures(node: UnionOrg, day: dt.date, reason: str) -> dict:
    return {
        "node_id": node.pk,
        "node": node.name,
        "as_of": day.isoformat(),
        "unavailable": reason,
        "grassroots_unions": None,
        "indicators": [],
    }


def withhold(figures: dict, code: str, reason: str) -> dict:
    """Blank one indicator of computed figures (no number shown), with the reason."""
    for ind in figures["indicators"]:
        if ind["definition"] == code:
            blank = {"num": None, "den": None, "rate": None, "below": False}
            ind["unavailable"] = reason
            ind["total"] = blank
            ind["rows"] = [{**r, **blank} for r in ind["rows"]]
    return figures
