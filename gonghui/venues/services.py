"""The operations that change venues, each one transaction writing the row, a ``VenueEvent`` and an
audit row; and the counts read from them (new venues per county in a period, venues per 10,000 members).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.orgs.models import UnionOrg

from .models import ChecklistItem, Inspection, InspectionResult, Venue, VenueEvent, VenueKind

SEGMENT = 9  # characters of one level of a union's path

# The kinds the seeds name, with their map colours (distinct on a projector and in grey print), and the
# 六有 standard of 工会驿站 (全总《工会户外劳动者服务站点建设规范》的“六有”).
KINDS = [
    ("station", "工会驿站", "#c0392b"),
    ("palace", "工人文化宫", "#8e44ad"),
    ("reading", "职工书屋/书吧", "#2471a3"),
    ("service", "职工服务中心", "#d68910"),
    ("drivers", "司机之家", "#117a65"),
    ("sunshine", "女职工“阳光家园”", "#d81b8c"),
]
SIX_HAVES = [
    ("site", "有场所", "有固定的服务场所"),
    ("sign", "有标识", "有统一的站点标识"),
    ("facility", "有设施", "有饮水、休息、充电、如厕等设施"),
    ("service", "有服务", "有明确的服务内容和开放时间"),
    ("rules", "有制度", "有管理和服务制度"),
    ("staff", "有人员", "有专人负责管理"),
]


def ensure_venue_kinds(apps=None) -> int:
    """The six kinds and 工会驿站's 六有 items; idempotent (a renamed or added kind is left as it is).
    ``apps`` gives a migration's historical models."""
    kind_model = apps.get_model("venues", "VenueKind") if apps else VenueKind
    item_model = apps.get_model("venues", "ChecklistItem") if apps else ChecklistItem
    for order, (code, name, color) in enumerate(KINDS):
        kind_model.objects.get_or_create(code=code, defaults={"name": name, "color": color, "order": order})
    station = kind_model.objects.get(code="station")
    for order, (code, name, description) in enumerate(SIX_HAVES):
        item_model.objects.get_or_create(
            kind=station, code=code, defaults={"name": name, "description": description, "order": order}
        )
    return kind_model.objects.count()


def _event(venue: Venue, action: str, actor, from_status: str = "", to_status: str = "", note: str = ""):
    VenueEvent.objects.create(
        venue=venue,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def _full_clean(venue: Venue) -> None:
    try:
        venue.full_clean(validate_unique=True, validate_constraints=True)
    except ValidationError as exc:
        # One Chinese sentence per field, with the field's label (the importer and the API show them flat).
        if hasattr(exc, "error_dict"):
            labels = {f.name: str(f.verbose_name) for f in Venue._meta.fields}
            raise ValidationError(
                [
                    f"{labels.get(name, '')}：{message}" if name in labels else message
                    for name, errors in exc.message_dict.items()
                    for message in errors
                ]
            ) from exc
        raise


@transaction.atomic
def save_venue(venue: Venue, *, actor=None, ip: str | None = None, changed: list[str] | None = None) -> Venue:
    """登记 (no pk) or 修改 a venue; a status change is its own event (在用 → 停用 …)."""
    creating = venue.pk is None
    before = None if creating else Venue.objects.select_for_update().get(pk=venue.pk)
    _full_clean(venue)
    venue.save()
    if creating:
        _event(venue, "登记", actor, to_status=venue.status)
        audit.log(AuditEvent.Action.CREATE, venue, actor=actor, ip=ip, detail=f"登记{venue.kind}「{venue}」")
        return venue
    assert before is not None
    if before.status != venue.status:
        _event(
            venue,
            "状态变更",
            actor,
            from_status=before.status,
            to_status=venue.status,
            note=f"{before.get_status_display()} → {venue.get_status_display()}",
        )
    fields = changed or []
    _event(venue, "修改", actor, note="、".join(fields))
    audit.log(
        AuditEvent.Action.UPDATE,
        venue,
        actor=actor,
        ip=ip,
        detail="修改" + ("：" + "、".join(fields) if fields else ""),
    )
    return venue


@dataclass(frozen=True)
class InspectionInput:
    inspected_on: dt.date
    inspector: str
    met: dict[int, bool]  # checklist item id → met
    note: str = ""


@transaction.atomic
def record_inspection(
    venue: Venue, data: InspectionInput, *, actor=None, ip: str | None = None
) -> Inspection:
    """登记达标检查: every item of the venue's kind answered; passed when all are met. The venue keeps the
    latest inspection's result (an older inspection entered later does not overwrite it)."""
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    items = list(ChecklistItem.objects.filter(kind=venue.kind_id))
    if not items:
        raise ValidationError(f"「{venue.kind}」没有设置达标检查项，无法登记检查")
    missing = [item.name for item in items if item.pk not in data.met]
    if missing:
        raise ValidationError(f"请逐项填写检查结果：{'、'.join(missing)}")
    if not data.inspector.strip():
        raise ValidationError("请填写检查人（单位）")
    if venue.opened_on and data.inspected_on < venue.opened_on and venue.status != Venue.Status.PLANNED:
        raise ValidationError("检查日期不能早于建成日期")
    passed = all(data.met[item.pk] for item in items)
    inspection = Inspection.objects.create(
        venue=venue,
        inspected_on=data.inspected_on,
        inspector=data.inspector.strip(),
        passed=passed,
        note=data.note.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    InspectionResult.objects.bulk_create(
        InspectionResult(inspection=inspection, item=item, met=data.met[item.pk]) for item in items
    )
    unmet = [item.name for item in items if not data.met[item.pk]]
    summary = "达标" if passed else "未达标（缺：" + "、".join(unmet) + "）"
    if venue.last_inspected_on is None or data.inspected_on >= venue.last_inspected_on:
        Venue.objects.filter(pk=venue.pk).update(compliant=passed, last_inspected_on=data.inspected_on)
    _event(venue, "达标检查", actor, note=f"{data.inspected_on:%Y-%m-%d} {summary}")
    audit.log(
        AuditEvent.Action.CREATE,
        inspection,
        actor=actor,
        ip=ip,
        detail=f"登记「{venue}」达标检查：{summary}",
    )
    return inspection


# ---------------------------------------------------------------------- counts
def open_on_q(day: dt.date, prefix: str = "") -> Q:
    """Venues in use on ``day``: opened by then and not closed by then (a 筹建 venue has no opened_on)."""
    return Q(**{f"{prefix}opened_on__lte": day}) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gt": day})
    )


def new_per_county(venues: QuerySet[Venue], start: dt.date, end: dt.date) -> list[dict]:
    """New venues per county in [start, end] (opened_on, both ends included) — the figure a newspaper
    quotes — by kind: [{"region": name, "code": …, "total": n, "by_kind": {kind name: n}}], and the
    counties with venues but none new are listed with 0."""
    rows = (
        venues.filter(opened_on__gte=start, opened_on__lte=end)
        .values("region__code", "region__name", "kind__name")
        .annotate(n=Count("id"))
    )
    out: dict[str, dict] = {}
    for code, name in venues.values_list("region__code", "region__name").distinct():
        out[code] = {"code": code, "region": name, "total": 0, "by_kind": defaultdict(int)}
    for r in rows:
        entry = out.setdefault(
            r["region__code"],
            {"code": r["region__code"], "region": r["region__name"], "total": 0, "by_kind": defaultdict(int)},
        )
        entry["total"] += r["n"]
        entry["by_kind"][r["kind__name"]] += r["n"]
    return [dict(e, by_kind=dict(e["by_kind"])) for _, e in sorted(out.items())]


def venues_per_sub_unit(node: UnionOrg, day: dt.date) -> dict[str, tuple[int, int]]:
    """The indicator 每万名会员服务阵地数: (venues in use on ``day``, members held on ``day``) per direct
    sub-unit's path and for the node itself (``""``); members as the registry counts them for that day
    (the net of the membership events, ``targets.cube``)."""
    from gonghui.targets import cube
    from gonghui.targets.asof import EPOCH

    length = len(node.path) + SEGMENT
    children = list(UnionOrg.objects.filter(parent=node).values_list("path", flat=True))
    out: dict[str, list[int]] = {p: [0, 0] for p in ["", *children]}
    venues = Venue.objects.filter(open_on_q(day), operator__path__startswith=node.path)
    for path in venues.values_list("operator__path", flat=True):
        out[""][0] += 1
        if path[:length] in out and len(path) >= length:
            out[path[:length]][0] += 1
    held = cube.growth([*children, node.path], EPOCH, day)
    for p in out:
        out[p][1] = held.get(node.path if p == "" else p, {}).get("net", 0) or 0
    return {key: (num, den) for key, (num, den) in out.items()}


def venues_per_sub_unit_many(nodes: list[UnionOrg], day: dt.date) -> dict[int, dict[str, tuple[int, int]]]:
    """``venues_per_sub_unit`` of many nodes (the daily refresh): the venues in use read once per top-most
    node and rolled up by path, the members of every node and sub-unit in one read of the cube."""
    from gonghui.targets import cube, indicators
    from gonghui.targets.asof import EPOCH

    children: dict[int, list[str]] = defaultdict(list)
    for parent_id, path in UnionOrg.objects.filter(parent__in=nodes).values_list("parent_id", "path"):
        children[parent_id].append(path)
    paths = {n.path for n in nodes} | {p for sub in children.values() for p in sub}
    held = cube.growth(sorted(paths), EPOCH, day)
    operators = [
        (path, 1, 0)
        for root in indicators.roots(nodes)
        for path in Venue.objects.filter(open_on_q(day), operator__path__startswith=root.path).values_list(
            "operator__path", flat=True
        )
    ]
    venues = indicators.roll_up(nodes, operators)
    return {
        node.pk: {
            p: (
                venues[node.pk].get(p, (0, 0))[0],
                held.get(node.path if p == "" else p, {}).get("net", 0) or 0,
            )
            for p in ["", *children[node.pk]]
        }
        for node in nodes
    }
