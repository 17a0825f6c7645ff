"""The figures: person-times per county and kind against the kinds' yearly targets, as of a day, and the
cadres' last training (overdue after the console's number of years, default 5).

- A session counts on its 结业日期 (end date), in that year, when it has not been 撤销 (cancelled):
  person-times of year Y "as of" day D are the sessions ending in [1 January Y, D] — exact for any D.
- A session belongs to the county of its organiser union (the county-level union — 县（市、区）总工会, or a
  park directly under a city — on the organiser's path). Sessions of a city or province federation belong
  to no county: they are shown apart (统筹) and count toward no county's target.
- Cadres are the union-staff register's people (``people.UnionWorker``) serving on the day; a cadre's last
  training is the latest end date of a held session of a cadre kind (``is_cadre_training``) whose roster
  holds the cadre's ID hash. Overdue: never trained, or last trained before the same day N years earlier
  (exactly N years ago is still current)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

from django.db.models import Max, Q, Sum

from gonghui.orgs.models import UnionKind, UnionOrg
from gonghui.people.models import UnionWorker

from . import settings as training_settings
from .models import Attendee, SessionStatus, TrainingKind, TrainingSession

SEGMENT = 9  # characters of one level of a union's path


def county_q() -> Q:
    """County-level unions: 县（市、区）总工会, and development-zone unions directly under a city."""
    return Q(kind=UnionKind.COUNTY) | Q(kind=UnionKind.ZONE, parent__kind=UnionKind.CITY)


def counties_under(node: UnionOrg) -> list[UnionOrg]:
    """The active county-level unions of the node's subtree (none when the node lies below a county: the
    targets are per county)."""
    return list(
        UnionOrg.objects.filter(
            county_q(), path__startswith=node.path, status=UnionOrg.Status.ACTIVE
        ).order_by("path")
    )


def counted_q(start: dt.date, day: dt.date) -> Q:
    return Q(status=SessionStatus.HELD, end_date__gte=start, end_date__lte=day)


def kinds_with_target() -> list[TrainingKind]:
    return list(TrainingKind.objects.filter(yearly_target__gt=0))


@dataclass
class CountyRow:
    county: UnionOrg
    done: dict[int, int] = field(default_factory=dict)  # kind id → person-times

    def of(self, kind: TrainingKind) -> int:
        return self.done.get(kind.pk, 0)


@dataclass
class Progress:
    node: UnionOrg
    day: dt.date
    kinds: list[TrainingKind]
    rows: list[CountyRow]
    above: dict[int, int]  # kind id → person-times of sessions held above the counties (统筹)

    @property
    def start(self) -> dt.date:
        return dt.date(self.day.year, 1, 1)


def _per_organiser(node: UnionOrg, start: dt.date, day: dt.date):
    return (
        TrainingSession.objects.filter(counted_q(start, day), organiser__path__startswith=node.path)
        .values("organiser__path", "kind_id")
        .annotate(n=Sum("person_times"))
        .order_by()
    )


def person_times(node: UnionOrg, day: dt.date) -> Progress:
    """Person-times per county of the node's subtree and kind, in the day's year up to the day."""
    start = dt.date(day.year, 1, 1)
    counties = counties_under(node)
    rows = {c.path: CountyRow(c) for c in counties}
    above: dict[int, int] = defaultdict(int)
    for row in _per_organiser(node, start, day):
        path = row["organiser__path"]
        target = next((rows[p] for p in rows if path.startswith(p)), None)
        if target is None:
            above[row["kind_id"]] += row["n"] or 0
        else:
            target.done[row["kind_id"]] = target.done.get(row["kind_id"], 0) + (row["n"] or 0)
    kinds = list(TrainingKind.objects.filter(Q(is_active=True) | Q(sessions__isnull=False)).distinct())
    return Progress(node, day, kinds, list(rows.values()), dict(above))


def by_sub_unit(node: UnionOrg, day: dt.date) -> dict[str, tuple[int, int]]:
    """The indicator 培训人次目标完成率: per direct sub-unit's path and the node (``""``), the sum over its
    counties and the kinds with a target of min(person-times so far this year, target) against the sum of
    those targets — a county far above one kind's target does not make up for another kind."""
    kinds = kinds_with_target()
    progress = person_times(node, day)
    length = len(node.path) + SEGMENT
    children = list(UnionOrg.objects.filter(parent=node).values_list("path", flat=True))
    out: dict[str, list[int]] = {p: [0, 0] for p in ["", *children]}
    for row in progress.rows:
        num = sum(min(row.of(k), k.yearly_target) for k in kinds)
        den = sum(k.yearly_target for k in kinds)
        keys = [""]
        path = row.county.path
        if len(path) >= length and path[:length] in out:
            keys.append(path[:length])
        for key in keys:
            out[key][0] += num
            out[key][1] += den
    return {key: (num, den) for key, (num, den) in out.items()}


def by_sub_unit_many(nodes: list[UnionOrg], day: dt.date) -> dict[int, dict[str, tuple[int, int]]]:
    """``by_sub_unit`` of many nodes (the daily refresh), the counties' person-times counted once per
    top-most node: a county's sessions do not depend on the node it is counted for — unless a county-level
    union lies inside another (its sessions then go to the outer one only when it is in the subtree),
    where each node is counted on its own."""
    from gonghui.targets import indicators

    roots = indicators.roots(nodes)
    rows = [row for root in roots for row in person_times(root, day).rows]
    # Sorted, a path that holds another is followed by one it holds: adjacent pairs suffice.
    paths = sorted(row.county.path for row in rows)
    if any(b.startswith(a) for a, b in pairwise(paths)):
        return {node.pk: by_sub_unit(node, day) for node in nodes}
    kinds = kinds_with_target()
    den = sum(k.yearly_target for k in kinds)
    items = [(row.county.path, sum(min(row.of(k), k.yearly_target) for k in kinds), den) for row in rows]
    rolled = indicators.roll_up(nodes, items)
    children: dict[int, list[str]] = defaultdict(list)
    for parent_id, path in UnionOrg.objects.filter(parent__in=nodes).values_list("parent_id", "path"):
        children[parent_id].append(path)
    return {node.pk: {p: rolled[node.pk].get(p, (0, 0)) for p in ["", *children[node.pk]]} for node in nodes}


# ------------------------------------------------------------------------------------------- cadres


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass
class Cadre:
    worker: UnionWorker
    last_trained: dt.date | None
    overdue: bool


def serving_q(day: dt.date) -> Q:
    return Q(start_date__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gt=day))


def last_trained(hashes: list[str], day: dt.date) -> dict[str, dt.date]:
    """ID hash → the latest end date (up to the day) of a held cadre-kind session whose roster holds it."""
    rows = (
        Attendee.objects.filter(
            id_hash__in=hashes,
            session__kind__is_cadre_training=True,
            session__status=SessionStatus.HELD,
            session__end_date__lte=day,
        )
        .values("id_hash")
        .annotate(last=Max("session__end_date"))
        .order_by()
    )
    return {r["id_hash"]: r["last"] for r in rows}


def cadres(node: UnionOrg, day: dt.date, years: int | None = None) -> list[Cadre]:
    """The cadres serving in the node's subtree on the day, each with its last training and whether it is
    overdue."""
    years = years or training_settings.retrain_years()
    cutoff = years_before(day, years)
    workers = list(
        UnionWorker.objects.filter(serving_q(day), union__path__startswith=node.path)
        .select_related("union", "post")
        .order_by("union__path", "name", "pk")
    )
    last = {}
    for i in range(0, len(workers), 2000):
        last.update(last_trained([w.id_hash for w in workers[i : i + 2000]], day))
    out = []
    for worker in workers:
        when = last.get(worker.id_hash)
        out.append(Cadre(worker, when, when is None or when < cutoff))
    return out


@dataclass
class CadreCounts:
    county: UnionOrg
    total: int = 0
    current: int = 0
    overdue: int = 0
    never: int = 0


def cadre_counts(node: UnionOrg, day: dt.date) -> list[CadreCounts]:
    """Per county of the node's subtree: cadres, trained within the period, overdue, never trained."""
    counties = counties_under(node)
    rows = {c.path: CadreCounts(c) for c in counties}
    for cadre in cadres(node, day):
        path = cadre.worker.union.path
        row = next((rows[p] for p in rows if path.startswith(p)), None)
        if row is None:
            continue
        row.total += 1
        if cadre.last_trained is None:
            row.never += 1
        if cadre.overdue:
            row.overdue += 1
        else:
            row.current += 1
    return list(rows.values())


def register_indicator() -> None:
    from gonghui.targets import indicators

    indicators.register(
        "training_person_times",
        "培训人次目标完成率",
        indicators.Definition(
            "各县区各类培训已完成人次（每类不超过目标）",
            "各县区各类培训年度目标人次",
            "人次",
            "县级工会；设有年度目标的培训类别（如职工代表培训每县 500 人次）",
            100,
            "培训人次按培训班结业日期计入当年，统计至统计日期；按主办工会所在县区归属，市级及以上主办的不计入县区。"
            "每类培训按「完成人次与目标取小」计入分子，一类超额不抵另一类；各类目标在系统设置的参考数据中调整。",
        ),
        by_sub_unit,
        by_sub_unit_many,
    )
