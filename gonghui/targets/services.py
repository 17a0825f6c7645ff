"""State changes of the targets app, each in one transaction: plans and their cells, seeding reference
data, and freezing snapshots."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.orgs.models import UnionOrg

from . import indicators, progress
from .models import Metric, Snapshot, TargetItem, TargetPlan

DEFAULT_METRICS = [
    # code, name, unit, source, parent code, aliases
    ("founded", "组建数", "个", Metric.Source.UNIONS_FOUNDED, None, ["建会数", "新建工会数", "组建工会数"]),
    ("members", "会员数", "人", Metric.Source.MEMBERS_NET, None, ["发展会员数", "新增会员数", "会员"]),
    (
        "migrant",
        "其中农民工会员数",
        "人",
        Metric.Source.MIGRANT_NET,
        "members",
        ["农民工会员数", "其中农民工"],
    ),
    (
        "new_form",
        "其中新业态会员数",
        "人",
        Metric.Source.NEW_FORM_NET,
        "members",
        ["新业态会员数", "其中新业态", "新就业形态会员数", "其中新就业形态劳动者会员数"],
    ),
]


class PlanError(Exception):
    """A plan that cannot be saved; ``str(exc)`` is the Chinese reason."""


@transaction.atomic
def seed_metrics() -> int:
    for order, (code, name, unit, source, parent, aliases) in enumerate(DEFAULT_METRICS):
        Metric.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "source": source,
                "parent": Metric.objects.get(code=parent) if parent else None,
                "aliases": aliases,
                "order": order * 10,
            },
        )
    return len(DEFAULT_METRICS)


def ensure_metrics() -> None:
    """The four standard metrics are reference data every plan needs: write them on first use."""
    if not Metric.objects.exists():
        seed_metrics()


def seed_reference() -> dict[str, int]:
    return {"metrics": seed_metrics(), "indicators": indicators.seed_indicators()}


@transaction.atomic
def save_plan(
    *,
    issuer: UnionOrg,
    year: int,
    title: str,
    rows: list[tuple[UnionOrg, dict[str, int]]],
    doc_number: str = "",
    issued_on: dt.date | None = None,
    actor=None,
    plan: TargetPlan | None = None,
    ip: str | None = None,
    source: str = "手工填报",
) -> TargetPlan:
    """Create (or replace the cells of) a plan. ``rows`` = [(row union, {metric code: target})].

    Each row union must lie under the issuer (not the issuer itself). The audit event says how the rows
    came (``source``: 手工填报, 导入) and how many."""
    for union, _ in rows:
        if union.pk == issuer.pk or not union.path.startswith(issuer.path):
            raise PlanError(f"「{union.name}」不是「{issuer.name}」的下级组织，不能作为目标分解对象")
    ensure_metrics()
    codes = {code for _, cells in rows for code in cells}
    metrics = {m.code: m for m in Metric.objects.filter(code__in=codes)}
    missing = codes - set(metrics)
    if missing:
        raise PlanError(f"未知的指标项：{'、'.join(sorted(missing))}")
    creating = plan is None
    if plan is None:
        if TargetPlan.objects.filter(issuer=issuer, year=year, title=title).exists():
            raise PlanError(f"「{issuer.name}」{year} 年已有同名目标任务「{title}」")
        plan = TargetPlan.objects.create(
            issuer=issuer,
            year=year,
            title=title,
            doc_number=doc_number,
            issued_on=issued_on,
            created_by=actor,
        )
    else:
        plan.items.all().delete()
    plan.metrics.set(metrics.values())
    TargetItem.objects.bulk_create(
        TargetItem(plan=plan, union=union, metric=metrics[code], target=value, row_order=order)
        for order, (union, cells) in enumerate(rows)
        for code, value in cells.items()
    )
    action = AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE
    audit.log(action, plan, actor=actor, ip=ip, detail=f"{source} {len(rows)} 行")
    return plan


def snapshot(plan: TargetPlan, as_of: dt.date, actor=None, ip: str | None = None) -> Snapshot:
    """The figures as of ``as_of``: read the stored snapshot if there is one, else compute and store.

    Member figures come from events dated ≤ as_of (append-only, so recomputing later would usually give
    the same numbers — but backdated events and edited registry flags would not); the registry-based
    indicators and 组建数 depend on records that change by edit. Storing the computed JSON once is the
    only way every figure in a printed bulletin stays the same, so that is what this does. Storing one is
    audited; reading a stored one is not."""
    existing = Snapshot.objects.filter(plan=plan, as_of=as_of).first()
    if existing is not None:
        return existing
    figures = progress.compute(plan, as_of)
    figures["monthly"] = progress.monthly_series(plan, as_of)
    # The stored day's indicator figures when the daily refresh kept that day (what the indicator page
    # showed for it), else counted now.
    figures["indicators"] = indicators.for_day(plan.issuer, as_of)
    with transaction.atomic():
        snap, created = Snapshot.objects.get_or_create(
            plan=plan, as_of=as_of, defaults={"figures": figures, "created_by": actor}
        )
        if created:
            audit.log(
                AuditEvent.Action.GENERATE,
                snap,
                actor=actor,
                ip=ip,
                detail=f"生成通报数据快照：「{plan.title}」，截至 {as_of:%Y-%m-%d}",
            )
    return snap


def figures_for(plan: TargetPlan, as_of: dt.date) -> dict[str, Any]:
    """Live figures unless a snapshot for that date exists (then the frozen ones)."""
    existing = Snapshot.objects.filter(plan=plan, as_of=as_of).first()
    if existing is not None:
        return {**existing.figures, "snapshot_at": existing.created_at.isoformat()}
    return progress.compute(plan, as_of)
