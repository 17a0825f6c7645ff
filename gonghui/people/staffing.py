"""配备专职工会干部 (the staffing rules), as of a day, for any node's subtree:

- a workplace union (基层工会委员会, 联合基层工会) whose covered workplaces employ 200+ people needs a full-time
  cadre (专职工会干部);
- a township/street (乡镇（街道）总工会) or park (开发区（工业园区）总工会) union with 100+ enterprises or 2,000+
  workers in its territory needs at least one.

The thresholds are settings (core.console). Enterprises are the workplaces the union governs (属地工会 in
its subtree) whose 单位性质 is an enterprise's; workers are the employees of all of them. Workplaces and
unions count as on the day (registered, not closed; founded, not revoked); the employee counts are the
registered ones (today's). A union "has" a cadre when a worker on a 专职工会干部 post (a post flagged so)
served at that very union on the day (started by it, not left by it; 试用 counts).

``staffing_coverage`` (share of the units needing a cadre that have one) is registered as an indicator.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from gonghui.orgs.models import Ownership, UnionCoverage, UnionKind, UnionOrg, Workplace
from gonghui.targets.asof import link_made, union_existed, workplace_present

from . import settings as people_settings
from .models import UnionWorker

ENTERPRISES = (Ownership.STATE, Ownership.COLLECTIVE, Ownership.PRIVATE, Ownership.FOREIGN, Ownership.OTHER)
TERRITORIAL_KINDS = (UnionKind.TOWNSHIP, UnionKind.ZONE)
WORKPLACE_KINDS = (UnionKind.COMMITTEE, UnionKind.JOINT)
SEGMENT = 9  # characters of one level of a union's path


@dataclass
class Unit:
    union: UnionOrg
    rule: str  # "territorial" | "workplace"
    enterprises: int = 0
    workers: int = 0
    cadres: int = 0
    needs: bool = False

    @property
    def lacking(self) -> bool:
        return self.needs and self.cadres == 0


@dataclass
class Staffing:
    node: UnionOrg
    day: dt.date
    thresholds: dict[str, int]
    territorial: list[Unit] = field(default_factory=list)
    workplace: list[Unit] = field(default_factory=list)

    def needing(self) -> list[Unit]:
        return [u for u in self.territorial + self.workplace if u.needs]

    @property
    def needing_count(self) -> int:
        return len(self.needing())

    @property
    def covered_count(self) -> int:
        return sum(1 for u in self.needing() if u.cadres)

    @property
    def lacking(self) -> list[Unit]:
        return [u for u in self.needing() if not u.cadres]


def thresholds() -> dict[str, int]:
    return {
        "workplace_employees": people_settings.value(people_settings.WORKPLACE_EMPLOYEES),
        "township_enterprises": people_settings.value(people_settings.TOWNSHIP_ENTERPRISES),
        "township_workers": people_settings.value(people_settings.TOWNSHIP_WORKERS),
    }


def cadre_counts(node: UnionOrg, day: dt.date) -> Counter:
    """union id → full-time cadres serving there on ``day``."""
    rows = (
        UnionWorker.objects.filter(
            union__path__startswith=node.path, post__is_full_time_cadre=True, start_date__lte=day
        )
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
        .values("union_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return Counter({r["union_id"]: r["n"] for r in rows})


def compute(node: UnionOrg, day: dt.date) -> Staffing:
    limits = thresholds()
    result = Staffing(node, day, limits)
    cadres = cadre_counts(node, day)
    unions = UnionOrg.objects.filter(path__startswith=node.path).filter(union_existed(day))

    territorial = {u.path: u for u in unions.filter(kind__in=TERRITORIAL_KINDS).order_by("path")}
    if territorial:
        # Workplaces per governing union (one query), each added to the nearest territorial union above.
        per_governor = (
            Workplace.objects.filter(workplace_present(day), governing_union__path__startswith=node.path)
            .values("governing_union__path")
            .annotate(
                enterprises=Count("id", filter=Q(ownership__in=ENTERPRISES)),
                workers=Sum("employee_count"),
            )
            .order_by()
        )
        units = {path: Unit(u, "territorial") for path, u in territorial.items()}
        for row in per_governor:
            path = row["governing_union__path"]
            for cut in range(len(path), 0, -SEGMENT):
                unit = units.get(path[:cut])
                if unit is not None:
                    unit.enterprises += row["enterprises"]
                    unit.workers += row["workers"] or 0
                    break
        for unit in units.values():
            unit.cadres = cadres.get(unit.union.pk, 0)
            unit.needs = (
                unit.enterprises >= limits["township_enterprises"]
                or unit.workers >= limits["township_workers"]
            )
        result.territorial = list(units.values())

    covered = (
        UnionCoverage.objects.filter(link_made(day), unionorg__in=unions.filter(kind__in=WORKPLACE_KINDS))
        .filter(workplace_present(day, "workplace__"))
        .values("unionorg_id")
        .annotate(workers=Sum("workplace__employee_count"), enterprises=Count("workplace_id"))
        .filter(workers__gte=limits["workplace_employees"])
        .order_by()
    )
    by_id = {r["unionorg_id"]: r for r in covered}
    for union in UnionOrg.objects.filter(pk__in=by_id).order_by("path"):
        row = by_id[union.pk]
        result.workplace.append(
            Unit(union, "workplace", row["enterprises"], row["workers"], cadres.get(union.pk, 0), True)
        )
    return result


def new_staff(node: UnionOrg, start: dt.date, end: dt.date) -> list[tuple[str, int]]:
    """新增工会工作者 by post: rows of the subtree whose 到岗日期 falls in [start, end]."""
    rows = (
        UnionWorker.objects.filter(union__path__startswith=node.path, start_date__range=(start, end))
        .values("post__name", "post__order")
        .annotate(n=Count("id"))
        .order_by("post__order", "post__name")
    )
    return [(r["post__name"], r["n"]) for r in rows]


def by_sub_unit(node: UnionOrg, day: dt.date) -> dict[str, tuple[int, int]]:
    """The indicator's provider: (units needing a cadre that have one, units needing one) per direct
    sub-unit's path and for the node itself (``""``)."""
    staffing = compute(node, day)
    length = len(node.path) + SEGMENT
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for unit in staffing.needing():
        path = unit.union.path
        for key in [""] + ([path[:length]] if len(path) >= length else []):
            out[key][1] += 1
            out[key][0] += bool(unit.cadres)
    out[""]
    return {key: (num, den) for key, (num, den) in out.items()}


def by_sub_unit_many(nodes: list[UnionOrg], day: dt.date) -> dict[int, dict[str, tuple[int, int]]]:
    """``by_sub_unit`` of many nodes (the daily refresh), the staffing computed once per top-most node: a
    unit, its cadres and whether it needs one do not depend on the node it is counted for."""
    from gonghui.targets import indicators

    items = [
        (unit.union.path, int(bool(unit.cadres)), 1)
        for root in indicators.roots(nodes)
        for unit in compute(root, day).needing()
    ]
    out = indicators.roll_up(nodes, items)
    for answers in out.values():
        answers.setdefault("", (0, 0))  # as ``by_sub_unit``: the node's own pair even when nothing needs one
    return out


def register_indicator() -> None:
    from gonghui.targets import indicators

    indicators.register(
        "staffing_coverage",
        "专职工会干部配备率",
        indicators.Definition(
            "已配备专职工会干部的应配单位数",
            "应配备专职工会干部的单位数",
            "个",
            "职工200人以上的基层工会；企业100家以上或职工2000人以上的乡镇（街道）、园区工会",
            100,
            "专职工会干部按统计日期在岗（含试用）、所在工会即为该单位的「专职工会干部」岗位人员计；"
            "企业数、职工人数取属地单位登记数；门槛可在系统设置中调整。",
        ),
        by_sub_unit,
        by_sub_unit_many,
    )
