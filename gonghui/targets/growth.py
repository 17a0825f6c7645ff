"""Actual figures behind a target row: net member growth and unions founded in the row's subtree.

Every function takes a list of node paths and returns a dict keyed by path, so a plan page asks once
for all its rows (one grouped query per distinct row depth, not one per row).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from gonghui.members.models import EventKind, MembershipEvent
from gonghui.orgs.models import GRASSROOTS_KINDS, UnionOrg

GROWTH_FIELDS = ("joined", "transferred_in", "transferred_out", "left", "net", "net_migrant", "net_new_form")

GROWTH_AGGREGATES = {
    "joined": Count("id", filter=Q(kind=EventKind.JOIN)),
    "transferred_in": Count("id", filter=Q(kind=EventKind.TRANSFER_IN)),
    "transferred_out": Count("id", filter=Q(kind=EventKind.TRANSFER_OUT)),
    "left": Count("id", filter=Q(kind__in=[EventKind.EXIT, EventKind.REMOVE])),
    "net": Sum("delta"),
    "net_migrant": Sum("delta", filter=Q(member__is_migrant_worker=True)),
    "net_new_form": Sum("delta", filter=Q(member__new_form_group__isnull=False)),
}


def zero_growth() -> dict[str, int]:
    return dict.fromkeys(GROWTH_FIELDS, 0)


def _prefix_q(lookup: str, paths: Iterable[str]) -> Q:
    q = Q()
    for p in paths:
        q |= Q(**{f"{lookup}__startswith": p})
    return q


def by_depth(paths: Iterable[str]) -> dict[int, list[str]]:
    groups: dict[int, list[str]] = defaultdict(list)
    for p in set(paths):
        groups[len(p)].append(p)
    return groups


def live_growth(
    paths: list[str], start: dt.date, end: dt.date, above_event_id: int | None = None
) -> dict[str, dict[str, int]]:
    """Net change per subtree from the event table itself (the straightforward aggregate).

    A transfer writes 转出 at the old union and 转入 at the new one: inside one subtree they cancel, between
    two subtrees each side counts. Only events dated within [start, end] count."""
    result = {p: zero_growth() for p in paths}
    for length, group in by_depth(paths).items():
        events = MembershipEvent.objects.filter(date__range=(start, end)).filter(
            _prefix_q("union__path", group)
        )
        if above_event_id is not None:
            events = events.filter(id__gt=above_event_id)
        rows = (
            events.annotate(node=Substr("union__path", 1, length))
            .values("node")
            .annotate(**GROWTH_AGGREGATES)
            .order_by()
        )
        for row in rows:
            node = row.pop("node")
            if node in result:
                for key, value in row.items():
                    result[node][key] += value or 0
    return result


def live_monthly(path: str, start: dt.date, end: dt.date) -> dict[str, int]:
    """Net change per month ("2023-01" → n) of one subtree."""
    from django.db.models.functions import TruncMonth

    rows = (
        MembershipEvent.objects.filter(date__range=(start, end), union__path__startswith=path)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(net=Sum("delta"))
        .order_by()
    )
    return {f"{r['month']:%Y-%m}": r["net"] or 0 for r in rows}


def unions_founded(
    paths: list[str], start: dt.date, end: dt.date, total_of: str | None = None
) -> dict[str, int]:
    """Grassroots unions founded within [start, end] in each subtree, not counting those already revoked
    or merged by ``end``: a union founded and dissolved in the same period was not built. Unions founded
    in earlier years and dissolved this year are not subtracted — 组建数 counts building work; closures
    show in the registry counts.

    ``total_of``: also the count of that node's whole subtree (a plan's issuer: its rows may not cover
    every sub-unit). When the rows are its sub-units at one depth, the same grouped query gives it."""
    result = dict.fromkeys(paths, 0)
    still_there = Q(status=UnionOrg.Status.ACTIVE) | Q(status_changed_on__gt=end)
    founded = UnionOrg.objects.filter(kind__in=GRASSROOTS_KINDS, founded_on__range=(start, end)).filter(
        still_there
    )
    groups = by_depth(paths)
    one_pass = (
        total_of is not None
        and len(groups) == 1
        and all(p.startswith(total_of) and p != total_of for p in paths)
    )
    if total_of is not None:
        result[total_of] = 0
        if not one_pass:
            result[total_of] = founded.filter(path__startswith=total_of).count()
    for length, group in groups.items():
        # Every union under the issuer, grouped by the row it falls in (one prefix instead of one
        # LIKE per row); the groups that are not rows still count toward the issuer's total.
        where = Q(path__startswith=total_of) if one_pass else _prefix_q("path", group)
        rows = (
            founded.filter(where)
            .annotate(node=Substr("path", 1, length))
            .values("node")
            # COUNT(*), not COUNT(id): with no column outside the covering index (orgs migration
            # 0002) PostgreSQL answers from the index alone.
            .annotate(n=Count("*"))
            .order_by()
        )
        for row in rows:
            if one_pass:
                result[total_of] += row["n"]
            if row["node"] in result and row["node"] != total_of:
                result[row["node"]] += row["n"]
    return result
