"""The numbers of the list: 建会率 by size band (directory or registry as the denominator, whichever is
the better source, said on the page), 未建会底数 and the funnel (listed → claimed → visited → founded →
members entered) per sub-unit of a node.

Sub-units are the node's direct children in the union tree (a city's counties, a county's townships);
items held by the node itself count in a row of their own (本级)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr

from gonghui.members.models import HELD_STATUSES, Member
from gonghui.orgs.models import UnionCoverage, UnionOrg, Workplace

from .models import DirectoryEntry, ListItem, MatchMethod, Visit

Status = ListItem.Status
FOUNDED_OUTCOMES = (ListItem.Outcome.FOUNDED, ListItem.Outcome.JOINT)
BANDS = (("all", "全部", 0), ("25", "25人以上", 25), ("100", "100人以上", 100))


def _rate(num: int, den: int) -> float | None:
    return round(num * 100 / den, 1) if den else None


@dataclass
class BandRate:
    code: str
    label: str
    directory_total: int | None  # None: the directory cannot give this band (规模以上)
    directory_covered: int | None
    registry_total: int
    registry_covered: int
    source: str = ""  # 名录 or 单位台账: which denominator the rate shown uses
    reason: str = ""

    @property
    def directory_rate(self) -> float | None:
        return (
            None if self.directory_total is None else _rate(self.directory_covered or 0, self.directory_total)
        )

    @property
    def registry_rate(self) -> float | None:
        return _rate(self.registry_covered, self.registry_total)

    @property
    def rate(self) -> float | None:
        return self.directory_rate if self.source == "名录" else self.registry_rate


def _covered(ref: str) -> Exists:
    return Exists(
        UnionCoverage.objects.filter(workplace_id=OuterRef(ref), unionorg__status=UnionOrg.Status.ACTIVE)
    )


def directory_registrants(node: UnionOrg) -> list[tuple[int, bool, bool]]:
    """(employees, covered, above scale) of each registrant the directories list in the node's subtree
    — one per registrant whichever sources list it (the workplace it is matched to, else its USCC, else
    its normalised name in its county); the largest employee figure any source gives."""
    rows = (
        DirectoryEntry.objects.filter(territory__path__startswith=node.path, is_listed=True, is_closed=False)
        .exclude(match_method=MatchMethod.UNCERTAIN)
        .annotate(covered=_covered("workplace_id"))
        .values_list(
            "workplace_id",
            "uscc",
            "region_id",
            "name_normalized",
            "employees",
            "covered",
            "workplace__is_above_scale",
        )
    )
    by_key: dict[tuple, list] = {}
    for workplace_id, uscc, region_id, name, employees, covered, above in rows.iterator(chunk_size=5000):
        key = ("w", workplace_id) if workplace_id else ("u", uscc) if uscc else ("n", region_id, name)
        seen = by_key.setdefault(key, [0, False, False])
        seen[0] = max(seen[0], employees or 0)
        seen[1] = seen[1] or bool(covered)
        seen[2] = seen[2] or bool(above)
    return [tuple(v) for v in by_key.values()]


def band_rates(node: UnionOrg) -> list[BandRate]:
    """建会率 by size band, from both sources. The directory is the denominator where it lists at least as
    many workplaces of the band as the registry holds: the registry holds the workplaces someone entered
    (most of them already organised), the directories list every registrant. 规模以上 only the registry
    knows (no directory column carries revenue)."""
    registrants = directory_registrants(node)
    workplaces = (
        Workplace.objects.filter(governing_union__path__startswith=node.path, closed_on__isnull=True)
        .annotate(covered=_covered("pk"))
        .aggregate(
            all=Count("pk"),
            all_cov=Count("pk", filter=Q(covered=True)),
            w25=Count("pk", filter=Q(employee_count__gte=25)),
            w25_cov=Count("pk", filter=Q(employee_count__gte=25, covered=True)),
            w100=Count("pk", filter=Q(employee_count__gte=100)),
            w100_cov=Count("pk", filter=Q(employee_count__gte=100, covered=True)),
            above=Count("pk", filter=Q(is_above_scale=True)),
            above_cov=Count("pk", filter=Q(is_above_scale=True, covered=True)),
        )
    )
    keys = {"all": "all", "25": "w25", "100": "w100"}
    out = []
    for code, label, floor in BANDS:
        band = [r for r in registrants if r[0] >= floor]
        rate = BandRate(
            code,
            label,
            directory_total=len(band),
            directory_covered=sum(1 for r in band if r[1]),
            registry_total=workplaces[keys[code]],
            registry_covered=workplaces[f"{keys[code]}_cov"],
        )
        if rate.directory_total and rate.directory_total >= rate.registry_total:
            rate.source, rate.reason = "名录", "名录所列单位多于单位台账，以名录为分母"
        else:
            rate.source = "单位台账"
            rate.reason = (
                "本范围尚无名录" if not rate.directory_total else "单位台账所列单位不少于名录，以台账为分母"
            )
        out.append(rate)
    out.append(
        BandRate(
            "above",
            "规模以上企业",
            directory_total=None,
            directory_covered=None,
            registry_total=workplaces["above"],
            registry_covered=workplaces["above_cov"],
            source="单位台账",
            reason="名录不含营业收入，规模以上以单位台账的「规模以上企业」标记为准",
        )
    )
    return out


@dataclass
class FunnelRow:
    union_id: int | None
    name: str
    listed: int = 0
    claimed: int = 0
    visited: int = 0
    founded: int = 0
    members_entered: int = 0
    backlog: int = 0  # 未建会底数: items not yet closed
    overdue: int = 0
    extra: dict = field(default_factory=dict)


def funnel(node: UnionOrg, today=None) -> list[FunnelRow]:
    """Per direct sub-unit of ``node`` (and 本级): listed → claimed → visited → founded (a union founded
    or a joint union covering it) → members entered (the founding union holds at least one member), the
    backlog (未建会底数: items not closed) and the overdue claims; the last row is the total."""
    from django.utils import timezone

    today = today or timezone.localdate()
    length = len(node.path) + 9
    members = Exists(Member.objects.filter(union_id=OuterRef("founded_union_id"), status__in=HELD_STATUSES))
    rows = (
        ListItem.objects.filter(territory__path__startswith=node.path)
        .annotate(
            node=Substr("territory__path", 1, length),
            visited=Exists(Visit.objects.filter(item_id=OuterRef("pk"))),
            entered=members,
        )
        .values("node")
        .annotate(
            listed=Count("pk"),
            claimed=Count("pk", filter=Q(claimed_at__isnull=False)),
            visited_n=Count("pk", filter=Q(visited=True)),
            founded=Count("pk", filter=Q(outcome__in=FOUNDED_OUTCOMES)),
            members_entered=Count("pk", filter=Q(outcome__in=FOUNDED_OUTCOMES, entered=True)),
            backlog=Count("pk", filter=~Q(status=Status.CLOSED)),
            overdue=Count("pk", filter=Q(status=Status.CLAIMED, due_on__lt=today)),
        )
        .order_by()
    )
    by_path = {r["node"]: r for r in rows}
    children = UnionOrg.objects.filter(parent=node).order_by("kind", "name").values_list("pk", "name", "path")
    out = []
    for pk, name, path in [*children, (node.pk, f"{node.name}（本级）", node.path)]:
        r = by_path.get(path)
        if r is None and path != node.path:
            continue  # a sub-unit with no list at all (a grassroots union) is left out
        r = r or {}
        out.append(
            FunnelRow(
                pk,
                name,
                r.get("listed", 0),
                r.get("claimed", 0),
                r.get("visited_n", 0),
                r.get("founded", 0),
                r.get("members_entered", 0),
                r.get("backlog", 0),
                r.get("overdue", 0),
            )
        )
    total = FunnelRow(None, "合计")
    for row in out:
        for attr in ("listed", "claimed", "visited", "founded", "members_entered", "backlog", "overdue"):
            setattr(total, attr, getattr(total, attr) + getattr(row, attr))
    return [*out, total]


def band_counts(queryset) -> dict[str, int]:
    """Counts of a list's items per size band (and in all), for the list page's header."""
    from .worklist import SIZE_BANDS

    return queryset.aggregate(
        all=Count("pk"), **{f"b{code}": Count("pk", filter=q) for code, (_label, q) in SIZE_BANDS.items()}
    )
