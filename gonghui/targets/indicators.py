"""Coverage rates, computed in one place under the definitions seeded as ``Indicator`` rows.

Every function returns, for a node, the figures of each direct sub-unit (child union, whole subtree)
and of the node itself. Workplaces count toward the subtree of their 属地工会 (governing union);
members toward the subtree of the union that holds them. A workplace is 已建会 (covered) when at least
one active union covers it — a joint union covering three workplaces makes three covered workplaces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django_tasks import task

from gonghui.members.models import HELD_STATUSES, Member
from gonghui.orgs.models import UnionOrg, Workplace

from .counting import grouped, workplace_aggregates
from .models import Indicator, IndicatorResult


@dataclass(frozen=True)
class Definition:
    numerator: str
    denominator: str
    unit: str
    population: str
    threshold: float | None
    note: str
    # What the rate is per: 100 (a percentage, every coverage rate) or e.g. 10,000 (venues per 10,000
    # members); ``suffix`` is how a page writes the rate's unit.
    per: int = 100
    suffix: str = "%"


# The seeded definitions (code → name, definition key). ``seed_indicators`` writes them as rows; the
# computation below is keyed by ``definition``.
DEFINITIONS: dict[str, tuple[str, Definition]] = {
    "legal_entity_coverage": (
        "法人单位建会率",
        Definition(
            "已建会的法人单位数",
            "法人单位数",
            "单位",
            "属地内全部法人单位",
            80,
            "按覆盖单位计：联合基层工会覆盖几个单位即计几个已建会单位，不按工会个数计。",
        ),
    ),
    "coverage_25plus": (
        "25人以上单位建会率",
        Definition(
            "已建会的25人以上单位数",
            "25人以上单位数",
            "单位",
            "职工人数≥25的单位",
            90,
            "按覆盖单位计；职工人数取单位登记的职工人数。",
        ),
    ),
    "membership_rate_all": (
        "职工入会率（口径一：占全部职工）",
        Definition(
            "会员数（在会及保留会籍）",
            "属地全部单位职工人数",
            "人",
            "属地全部单位",
            80,
            "口径一：会员数 ÷ 全部单位职工数（含未建会单位职工）。",
        ),
    ),
    "membership_rate_unionised": (
        "职工入会率（口径二：占已建会单位职工）",
        Definition(
            "已建会单位所在基层工会的会员数",
            "已建会单位职工人数",
            "人",
            "已建会单位",
            80,
            "口径二：覆盖单位的基层工会会员数 ÷ 已建会单位职工数；不含行业、新业态等不对应单位的会员。",
        ),
    ),
    "congress_public": (
        "职代会建制率（国有及国有控股企业、事业单位）",
        Definition(
            "已建立职代会制度的单位数",
            "国有及国有控股企业、事业单位数",
            "单位",
            "国有及国有控股企业、事业单位",
            95,
            "以单位登记的「已建立职代会制度」为准。",
        ),
    ),
    "open_affairs_public": (
        "厂务公开建制率（国有及国有控股企业、事业单位）",
        Definition(
            "已实行厂务公开的单位数",
            "国有及国有控股企业、事业单位数",
            "单位",
            "国有及国有控股企业、事业单位",
            95,
            "以单位登记的「已实行厂务公开」为准。",
        ),
    ),
    "congress_nonpublic100": (
        "职代会建制率（已建会100人以上非公企业）",
        Definition(
            "已建立职代会制度的单位数",
            "已建会、职工100人以上的非公有制企业数",
            "单位",
            "已建会100人以上非公有制企业",
            85,
            "非公有制企业含私营及外商、港澳台投资企业。",
        ),
    ),
    "open_affairs_nonpublic100": (
        "厂务公开建制率（已建会100人以上非公企业）",
        Definition(
            "已实行厂务公开的单位数",
            "已建会、职工100人以上的非公有制企业数",
            "单位",
            "已建会100人以上非公有制企业",
            85,
            "非公有制企业含私营及外商、港澳台投资企业。",
        ),
    ),
    "election_on_time": (
        "换届按期率",
        Definition(
            "未逾期换届的基层工会数",
            "登记了任期的正常状态基层工会数",
            "个",
            "登记任期的基层工会",
            None,
            "应换届日期 = 本届任期开始 + 任期年限；截止日期当日未到期即为按期。规划未规定达标线。",
        ),
    ),
}


# Indicators another app computes from its own records (supervision's meetings register): the app
# registers, in its AppConfig.ready(), a definition and a provider; targets never imports that app.
# A provider answers (numerator, denominator) per direct sub-unit's path and ``""`` for the node itself,
# counted as of the day (what the app had recorded by that day).
Provider = Callable[[UnionOrg, dt.date], dict[str, tuple[int, int]]]
PROVIDERS: dict[str, Provider] = {}
# Optionally the same answers for many nodes at once (node id → what ``provider`` answers for it), counted
# once over the nodes' subtrees: the daily refresh of every federation node (``roll_up`` helps).
ManyProvider = Callable[[list[UnionOrg], dt.date], dict[int, dict[str, tuple[int, int]]]]
MANY_PROVIDERS: dict[str, ManyProvider] = {}


def register(
    code: str, name: str, definition: Definition, provider: Provider, many: ManyProvider | None = None
) -> None:
    """An indicator computed by ``provider``: seeded with the others (``seed_indicators``), shown on the
    indicator page, the dashboard and in the API with them."""
    DEFINITIONS[code] = (name, definition)
    PROVIDERS[code] = provider
    if many is not None:
        MANY_PROVIDERS[code] = many


def roots(nodes: list[UnionOrg]) -> list[UnionOrg]:
    """The nodes no other node's subtree holds (each once): counting their subtrees counts every node's."""
    top = {n.path: n for n in nodes if not any(o.path != n.path and n.path.startswith(o.path) for o in nodes)}
    return [top[p] for p in sorted(top)]


def roll_up(
    nodes: list[UnionOrg], items: Iterable[tuple[str, int, int]]
) -> dict[int, dict[str, tuple[int, int]]]:
    """(numerator, denominator) per direct sub-unit's path and for the node (``""``) of every node, from
    (union path, numerator, denominator) items covering the nodes' subtrees — what a provider answers
    node by node when each item counts toward the node and the sub-unit whose subtree holds its union."""
    by_path = {n.path: n for n in nodes}
    lengths = sorted({len(p) for p in by_path})
    acc: dict[int, dict[str, list[int]]] = {n.pk: {} for n in nodes}
    for path, num, den in items:
        for length in lengths:
            if len(path) < length:
                break
            node = by_path.get(path[:length])
            if node is None:
                continue
            keys = [""] + ([path[: length + 9]] if len(path) >= length + 9 else [])
            for key in keys:
                pair = acc[node.pk].setdefault(key, [0, 0])
                pair[0] += num
                pair[1] += den
    return {pk: {key: (pair[0], pair[1]) for key, pair in out.items()} for pk, out in acc.items()}


@dataclass
class Batch:
    """Today's counts of many nodes, computed set-based once (the daily refresh) and read node by node:
    ``subtree_totals`` and, per provider that can answer for many nodes, its answers per node id."""

    totals: dict[str, dict[str, int]]
    provided: dict[str, dict[int, dict[str, tuple[int, int]]]]

    @classmethod
    def of(cls, nodes: list[UnionOrg], day: dt.date) -> Batch:
        return cls(
            subtree_totals(nodes, day), {code: many(nodes, day) for code, many in MANY_PROVIDERS.items()}
        )


def seed_indicators() -> int:
    for order, (code, (name, d)) in enumerate(DEFINITIONS.items()):
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "definition": code,
                "numerator_label": d.numerator,
                "denominator_label": d.denominator,
                "unit_of_count": d.unit,
                "population": d.population,
                "threshold": Decimal(str(d.threshold)) if d.threshold is not None else None,
                "note": d.note,
                "order": order,
            },
        )
    return len(DEFINITIONS)


def _covered_expr():
    through = UnionOrg.workplaces.through
    return Exists(
        through.objects.filter(workplace_id=OuterRef("pk"), unionorg__status=UnionOrg.Status.ACTIVE)
    )


def _count_querysets(as_of: dt.date, scope: Q) -> list[tuple[str, Any, str, dict]]:
    """The three counted sets (workplaces, members, grassroots unions) within ``scope`` (a filter on the
    union's path), each with its path lookup and aggregates: one definition for the per-node count and
    the set-based one of the daily refresh."""
    wp = (
        Workplace.objects.filter(_prefixed(scope, "governing_union__"))
        .exclude(closed_on__lte=as_of)  # a closed workplace left the registry
        .annotate(covered=_covered_expr())
    )
    wp_aggs = workplace_aggregates(Q(has_workers_congress=True), Q(has_open_affairs=True))
    has_workplace = Exists(UnionOrg.workplaces.through.objects.filter(unionorg_id=OuterRef("union_id")))
    members = Member.objects.filter(_prefixed(scope, "union__"), status__in=HELD_STATUSES).annotate(
        at_workplace=has_workplace
    )
    mem_aggs = {"members": Count("id"), "members_cov": Count("id", filter=Q(at_workplace=True))}
    from gonghui.orgs.models import GRASSROOTS_KINDS

    unions = UnionOrg.objects.filter(scope, kind__in=GRASSROOTS_KINDS, status=UnionOrg.Status.ACTIVE)
    un_aggs = {
        # Not an indicator: the dashboard's headline count, stored with the daily results.
        "grassroots": Count("id"),
        "termed": Count("id", filter=Q(election_due__isnull=False)),
        "on_time": Count("id", filter=Q(election_due__gte=as_of)),
    }
    return [
        ("wp", wp, "governing_union__path", wp_aggs),
        ("mem", members, "union__path", mem_aggs),
        ("un", unions, "path", un_aggs),
    ]


def _prefixed(scope: Q, prefix: str) -> Q:
    """``scope`` (lookups on a UnionOrg) as lookups through the relation ``prefix`` (``union__``)."""
    out = Q()
    out.connector, out.negated = scope.connector, scope.negated
    out.children = [
        _prefixed(c, prefix) if isinstance(c, Q) else (prefix + c[0], c[1]) for c in scope.children
    ]
    return out


def subtree_totals(nodes: list[UnionOrg], as_of: dt.date) -> dict[str, dict[str, int]]:
    """What ``raw_counts`` counts, for many nodes at once: the counts of every node's subtree and of
    every direct sub-unit's subtree, keyed by that union's path.

    Set-based (the daily refresh of every federation node): one grouped query per counted set over the
    union of the nodes' subtrees, by the holding union's full path, rolled up by path prefix here —
    instead of three queries over each node's subtree, which count a member once per level above it."""
    lengths = sorted({len(n.path) for n in nodes} | {len(n.path) + 9 for n in nodes})
    if not nodes:
        return {}
    scope = Q()
    for root in roots(nodes):
        scope |= Q(path__startswith=root.path)
    totals: dict[str, dict[str, int]] = {}
    for _key, qs, lookup, aggs in _count_querysets(as_of, scope):
        for row in qs.values(lookup).annotate(**aggs).order_by().iterator(chunk_size=10_000):
            add_by_prefix(totals, lengths, row.pop(lookup), row)
    return totals


def add_by_prefix(totals: dict[str, dict[str, int]], lengths: list[int], path: str, values: dict) -> None:
    """Add ``values``, counted for the union at ``path``, to the totals of its prefixes of the given
    (sorted) ``lengths`` — the subtrees that hold it."""
    for length in lengths:
        if len(path) < length:
            break
        into = totals.setdefault(path[:length], {})
        for key, value in values.items():
            into[key] = into.get(key, 0) + (value or 0)


def raw_counts(
    node: UnionOrg, as_of: dt.date | None = None, totals: dict[str, dict[str, int]] | None = None
) -> dict[str, dict[str, dict[str, int]]]:
    """numerator / denominator of every definition, per child path (and "" for the node itself).

    ``totals``: ``subtree_totals`` of a set of nodes including this one (the daily refresh), read
    instead of counting the node's subtree."""
    as_of = as_of or dt.date.today()
    children = list(
        UnionOrg.objects.filter(parent=node).order_by("kind", "name").values_list("path", flat=True)
    )
    if totals is not None:
        return {**{p: dict(totals.get(p, {})) for p in children}, "": dict(totals.get(node.path, {}))}
    length = len(node.path) + 9
    per_child = {}
    for key, qs, lookup, aggs in _count_querysets(as_of, Q(path__startswith=node.path)):
        per_child[key] = grouped(qs, lookup, length, aggs)
    paths = [*children, ""]
    out: dict[str, dict[str, int]] = {}
    for p in paths:
        merged: dict[str, int] = {}
        for key in ("wp", "mem", "un"):
            group = per_child[key]
            if p == "":
                for values in group.values():
                    for k, v in values.items():
                        merged[k] = merged.get(k, 0) + (v or 0)
            else:
                for k, v in group.get(p, {}).items():
                    merged[k] = v or 0
        out[p] = merged
    return out


PAIRS = {
    "legal_entity_coverage": ("legal_cov", "legal"),
    "coverage_25plus": ("w25_cov", "w25"),
    "membership_rate_all": ("members", "employees"),
    "membership_rate_unionised": ("members_cov", "employees_cov"),
    "congress_public": ("public_congress", "public"),
    "open_affairs_public": ("public_open", "public"),
    "congress_nonpublic100": ("np100_congress", "np100"),
    "open_affairs_nonpublic100": ("np100_open", "np100"),
    "election_on_time": ("on_time", "termed"),
}


def rate(num: int, den: int, per: int = 100) -> float | None:
    return round(num * per / den, 1 if per == 100 else 2) if den else None


def compute(node: UnionOrg, as_of: dt.date | None = None, batch: Batch | None = None) -> dict[str, Any]:
    """Every active indicator for the node's sub-units: JSON, ready for a page, a gauge or a snapshot.

    Today (or no date): the current registry. A past date: the dated registry (``asof``); call
    ``figures_as_of`` for a past date, which first checks that the registry can answer for it.
    ``batch``: today's counts of a set of nodes including this one (the daily refresh)."""
    counts = (
        raw_counts(node, as_of, batch.totals if batch is not None else None)
        if as_of is None or as_of >= timezone.localdate()
        else _dated(node, as_of)
    )
    names = dict(UnionOrg.objects.filter(path__in=[p for p in counts if p]).values_list("path", "name"))
    ids = dict(UnionOrg.objects.filter(path__in=[p for p in counts if p]).values_list("path", "id"))
    result = []
    day = as_of or timezone.localdate()
    for ind in Indicator.objects.filter(is_active=True):
        if ind.definition in PROVIDERS:
            if batch is not None and ind.definition in batch.provided:
                provided = batch.provided[ind.definition][node.pk]
            else:
                provided = PROVIDERS[ind.definition](node, day)
            source = {p: dict(zip(("num", "den"), provided.get(p, (0, 0)), strict=True)) for p in counts}
            num_key, den_key = "num", "den"
        elif ind.definition in PAIRS:
            source = counts
            num_key, den_key = PAIRS[ind.definition]
        else:  # a row whose computing app is not installed
            continue
        threshold = float(ind.threshold) if ind.threshold is not None else None
        known = DEFINITIONS.get(ind.definition)
        per, suffix = (known[1].per, known[1].suffix) if known else (100, "%")

        def figure(values, threshold=threshold, num_key=num_key, den_key=den_key, per=per):
            num, den = values.get(num_key, 0), values.get(den_key, 0)
            r = rate(num, den, per)
            return {
                "num": num,
                "den": den,
                "rate": r,
                "below": threshold is not None and r is not None and r < threshold,
            }

        rows = [
            {"union_id": ids[p], "name": names[p], **figure(source[p])} for p in source if p and p in names
        ]
        result.append(
            {
                "code": ind.code,
                "name": ind.name,
                "definition": ind.definition,
                "numerator": ind.numerator_label,
                "denominator": ind.denominator_label,
                "unit": ind.unit_of_count,
                "population": ind.population,
                "threshold": threshold,
                "note": ind.note,
                "per": per,
                "suffix": suffix,
                "rows": rows,
                "total": figure(source[""]),
            }
        )
    return {
        "node_id": node.pk,
        "node": node.name,
        "as_of": (as_of or dt.date.today()).isoformat(),
        "grassroots_unions": counts[""].get("grassroots", 0),
        "indicators": result,
    }


def scale_bars(figures: dict[str, Any] | None) -> dict[str, Any] | None:
    """Widths (0–100) of the indicator page's bars, on one scale with the threshold line: 100 % for a
    percentage; for a rate per 10,000 the largest figure or a quarter past the threshold. Applied when a
    page shows figures, stored ones included (they were stored without widths); None while computing."""
    if figures is None:
        return None
    for ind in figures.get("indicators", []):
        threshold = ind.get("threshold")
        rates = [r["rate"] for r in ind.get("rows", []) if r.get("rate") is not None]
        percent = ind.get("per", 100) == 100
        scale = 100.0 if percent else (max([*rates, (threshold or 0) * 1.25]) or 1.0)
        for r in ind.get("rows", []):
            r["bar"] = None if r.get("rate") is None else round(min(100.0, r["rate"] * 100 / scale), 1)
        ind["threshold_bar"] = None if threshold is None else round(min(100.0, threshold * 100 / scale), 1)
    return figures


def _dated(node: UnionOrg, day: dt.date) -> dict[str, dict[str, int]]:
    from .asof import raw_counts_as_of

    return raw_counts_as_of(node, day)


def figures_as_of(node: UnionOrg, day: dt.date | None = None, batch: Batch | None = None) -> dict[str, Any]:
    """The node's figures as of ``day`` (default today), every number that day's — or, when the
    registry cannot give that day's numbers, no numbers and the reason (``"unavailable"``)."""
    from . import asof

    today = timezone.localdate()
    day = day or today
    if day == today:
        return compute(node, day, batch)
    reason = asof.unavailable_reason(node, day)
    if reason is not None:
        return asof.unavailable_figures(node, day, reason)
    figures = compute(node, day)
    unknown = asof.unknown_terms(node, day)
    if unknown:
        asof.withhold(
            figures,
            "election_on_time",
            f"不提供该日期的数据：有 {unknown} 个基层工会在{asof.cn_date(day)}之后换届，"
            "系统只保存本届任期，该日所在任期无记录。",
        )
    return figures


def store(node: UnionOrg, day: dt.date | None = None, batch: Batch | None = None) -> IndicatorResult:
    """Compute the node's figures as of ``day`` (default today) and keep them as that day's result."""
    day = day or timezone.localdate()
    result, _ = IndicatorResult.objects.update_or_create(
        node=node, day=day, defaults={"values": figures_as_of(node, day, batch)}
    )
    return result


def refresh_results(nodes=None, day: dt.date | None = None) -> int:
    """Store today's indicator figures of the federation nodes (province, cities, counties) as the day's
    results, for the indicator page, the API and the dashboards' gauges; run daily with
    ``refresh_targets``."""
    from gonghui.orgs.models import FEDERATION_KINDS

    if nodes is None:
        nodes = UnionOrg.objects.filter(
            kind__in=FEDERATION_KINDS, status=UnionOrg.Status.ACTIVE, depth__lte=2
        )
    nodes = list(nodes)
    day = day or timezone.localdate()
    # Today's counts of all the nodes in one set-based pass (a past day's go through the dated registry,
    # node by node); one node alone is counted as before.
    batch = Batch.of(nodes, day) if len(nodes) > 1 and day == timezone.localdate() else None
    n = 0
    for node in nodes:
        store(node, day, batch)
        n += 1
    return n


# Up to this many member rows in the subtree the figures are counted on request (a township, a
# grassroots union: well under a second); above it a request reads stored days only, since the live
# count grows with the subtree (≈ 50 s for a province of 10 M members).
LIVE_LIMIT = 20_000


def small_subtree(node: UnionOrg) -> bool:
    """Whether counting the node live is cheap: at most LIVE_LIMIT member rows in its subtree.

    Bounded whatever the size of the subtree. On PostgreSQL the count walks the subtree's unions (path
    index) and takes at most LIVE_LIMIT + 1 members of each through the union_id index, stopping at
    LIVE_LIMIT + 1 in all — a plain LIMITed join lets the planner scan the member table for a county
    until it has found enough of its members (≈ 1 s at 10 M). SQLite registries are small."""
    limit = LIVE_LIMIT + 1
    if connection.vendor != "postgresql":
        return Member.objects.filter(union__path__startswith=node.path).values("pk")[:limit].count() < limit
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*) FROM (
                SELECT 1 FROM {UnionOrg._meta.db_table} u
                CROSS JOIN LATERAL (
                    SELECT 1 FROM {Member._meta.db_table} m WHERE m.union_id = u.id LIMIT %s
                ) held
                WHERE u.path LIKE %s
                LIMIT %s
            ) bounded
            """,
            [limit, node.path + "%", limit],
        )
        return cursor.fetchone()[0] < limit


@dataclass
class Shown:
    """What a page or the API shows for a node and a requested date, and where it comes from.

    ``source``: ``stored`` (the stored result of exactly the requested day, or of the latest day when no
    date was asked for), ``live`` (counted on this request for that day: small subtree), ``pending``
    (large subtree, nothing stored for that day: the background task is computing that day's figures),
    ``unavailable`` (the registry cannot give that day's figures: ``reason`` says why). Never the
    figures of another day under the requested day's label."""

    source: str
    day: dt.date
    requested: dt.date | None
    figures: dict[str, Any] | None
    computed_at: dt.datetime | None = None  # when the stored result was computed

    @property
    def stored(self) -> bool:
        return self.source == "stored"

    @property
    def reason(self) -> str | None:
        return (self.figures or {}).get("unavailable")

    def as_json(self) -> dict[str, Any]:
        """The figures with their provenance (the API's body)."""
        figures = self.figures or {"node_id": None, "node": "", "indicators": []}
        return {
            **figures,
            "as_of": self.day.isoformat(),
            "requested_as_of": self.requested.isoformat() if self.requested else None,
            "source": self.source,
            "stored": self.stored,
            "pending": self.source == "pending",
            "unavailable": self.reason,
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
        }


def _from_row(row: IndicatorResult, requested: dt.date | None) -> Shown:
    source = "unavailable" if row.values.get("unavailable") else "stored"
    return Shown(source, row.day, requested, row.values, row.computed_at)


@task()
def store_indicator_results(node_id: int, day: str) -> int:
    """Background task: the indicator figures of a large node that has none stored yet (a page asked for
    them): the same computation as the daily refresh, off the request."""
    from django.core.cache import cache

    node = UnionOrg.objects.get(pk=node_id)
    result = store(node, dt.date.fromisoformat(day))
    cache.delete(f"gonghui:indicators-pending:{node_id}:{day}")
    return result.pk


def enqueue(node: UnionOrg, day: dt.date | None = None) -> None:
    """Ask the background worker for the node's figures of ``day`` (default today), once: page reloads
    while it runs do not queue it again (the marker expires, so a failed run is retried later)."""
    from django.core.cache import cache

    day = day or timezone.localdate()
    if cache.add(f"gonghui:indicators-pending:{node.pk}:{day}", 1, timeout=15 * 60):
        store_indicator_results.enqueue(node.pk, day.isoformat())


def shown(node: UnionOrg, as_of: dt.date | None = None) -> Shown:
    """The figures a page shows for the node, never an unbounded count on a request:

    - no date: the latest stored day (labelled with its date);
    - a date: the result stored for exactly that day;
    - else a small subtree is counted on the request as of that day (or today);
    - else (a large node) that day's figures are computed by the background task and the page says
      计算中. A date the registry cannot answer for (after today, before its records) is ``unavailable``."""
    results = IndicatorResult.objects.filter(node=node)
    today = timezone.localdate()
    if as_of is None:
        latest = results.order_by("-day").first()
        if latest is not None:
            return _from_row(latest, None)
    elif as_of > today:
        from .asof import unavailable_figures, unavailable_reason

        return Shown(
            "unavailable", as_of, as_of, unavailable_figures(node, as_of, unavailable_reason(node, as_of))
        )
    else:
        exact = results.filter(day=as_of).first()
        if exact is not None:
            return _from_row(exact, as_of)
    day = as_of or today
    if small_subtree(node):
        figures = figures_as_of(node, day)
        return Shown("unavailable" if figures.get("unavailable") else "live", day, as_of, figures)
    enqueue(node, day)
    return Shown("pending", day, as_of, None)


def for_day(node: UnionOrg, day: dt.date) -> dict[str, Any]:
    """The node's figures as of ``day``: the stored result of that day if there is one (the same numbers
    the indicator page showed), else counted now as of that day."""
    stored = IndicatorResult.objects.filter(node=node, day=day).first()
    return stored.values if stored is not None else figures_as_of(node, day)
