"""复查 / 回头看: an issuer re-inspects the holders of a kind named in a range of years.

- Who is listed: every Title of the kind whose union lies in the issuer's subtree, named in
  ``named_from``…``named_to`` and still held (有效 or 限期整改) — ALL of them, not only those whose
  ``next_inspection`` has come: a 回头看 looks back at a whole batch (Anhui re-inspected every national
  home named 2015–2020), and the issuer narrows the batch by the years.
- The automatic criteria are recomputed as of ``as_of`` (``honours.criteria.evaluate``) and frozen on the
  record: a later edit of the registry does not change what the inspection saw.
- Results: 保留 (the title is active again; ``next_inspection`` = ``as_of`` + the kind's interval),
  限期整改 (the title → rectifying until a date), 撤销 (the title → revoked with the date and the reason;
  the row stays, with its events, in the history). A result once recorded is final; the re-inspection
  closes itself when the last holder has one.
- Who may act: the issuer's editing administrators; the issuer is a union of the kind's level, or the
  province for a national kind (the province re-inspects the national homes of its territory for 全国总工会).
Every step writes its audit row, and every result a :class:`TitleEvent` on the holder.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.scope import home_node
from gonghui.orgs.models import UnionKind, UnionOrg

from .grants import LEVEL_UNION_KINDS, title_event
from .kinds import next_inspection
from .models import (
    HonourKind,
    InspectionResult,
    Level,
    Reinspection,
    ReinspectionRecord,
    Title,
    TitleEvent,
    TitleStatus,
)

HELD = (TitleStatus.ACTIVE, TitleStatus.RECTIFYING)


def may_issue_for(node: UnionOrg | None, kind: HonourKind) -> bool:
    if node is None:
        return False
    allowed = set(LEVEL_UNION_KINDS.get(kind.level, set()))
    if kind.level == Level.NATIONAL:
        allowed.add(UnionKind.PROVINCE)
    return node.kind in allowed


def may_create(user, kind: HonourKind) -> bool:
    node = home_node(user)
    return bool(getattr(user, "can_edit", False)) and (
        bool(getattr(user, "is_superuser", False)) or may_issue_for(node, kind)
    )


def may_record(user, reinspection: Reinspection) -> bool:
    node = home_node(user)
    return (
        bool(getattr(user, "can_edit", False))
        and node is not None
        and (node.pk == reinspection.issuer_id or bool(getattr(user, "is_superuser", False)))
    )


def holders_due(issuer: UnionOrg, kind: HonourKind, named_from: int, named_to: int) -> QuerySet[Title]:
    return (
        Title.objects.filter(
            kind=kind,
            node__path__startswith=issuer.path,
            year__gte=named_from,
            year__lte=named_to,
            status__in=HELD,
        )
        .select_related("kind", "node")
        .order_by("node__path", "id")
    )


def _evaluate(kind: HonourKind, title: Title, as_of: dt.date) -> list:
    from . import criteria  # the registry of automatic criteria (rounds' module)

    return list(criteria.evaluate(kind, title, as_of))


@transaction.atomic
def create_reinspection(
    *,
    issuer: UnionOrg,
    kind: HonourKind,
    named_from: int,
    named_to: int,
    as_of: dt.date,
    deadline: dt.date,
    title: str = "",
    actor=None,
    ip: str | None = None,
) -> Reinspection:
    """Open a 复查 and list its holders, each with the criteria recomputed as of ``as_of``."""
    superuser = bool(getattr(actor, "is_superuser", False))
    if (
        actor is not None
        and not superuser
        and (not getattr(actor, "can_edit", False) or home_node(actor) != issuer)
    ):
        raise PermissionDenied("只能以本级工会的名义组织复查")
    if not (superuser or may_issue_for(issuer, kind)):
        raise PermissionDenied(f"{issuer}不是{kind.get_level_display()}荣誉的命名（复查）单位")
    if named_from > named_to:
        raise ValidationError("命名年度的起始年不能晚于截止年")
    if not 1950 <= named_from <= 2100 or not 1950 <= named_to <= 2100:
        raise ValidationError("命名年度须在 1950 至 2100 之间")
    if deadline < as_of:
        raise ValidationError("完成期限不能早于条件核定日期")
    holders = list(holders_due(issuer, kind, named_from, named_to))
    if not holders:
        raise ValidationError(f"{issuer}管辖范围内没有 {named_from}—{named_to} 年命名且仍有效的「{kind}」")
    years = f"{named_from}" if named_from == named_to else f"{named_from}—{named_to}"
    name = " ".join(title.split())[:200] or f"{issuer.name}{as_of.year}年{kind.name}复查（{years}年命名）"
    reinspection = Reinspection.objects.create(
        kind=kind,
        issuer=issuer,
        year=as_of.year,
        title=name,
        named_from=named_from,
        named_to=named_to,
        as_of=as_of,
        deadline=deadline,
        created_by=actor if getattr(actor, "pk", None) is not None else None,
    )
    ReinspectionRecord.objects.bulk_create(
        ReinspectionRecord(reinspection=reinspection, holder=h, criteria=_evaluate(kind, h, as_of))
        for h in holders
    )
    actor_row = actor if getattr(actor, "pk", None) is not None else None
    TitleEvent.objects.bulk_create(
        TitleEvent(title=h, actor=actor_row, action="列入复查", note=f"列入{name}") for h in holders
    )
    audit.log(
        AuditEvent.Action.CREATE,
        reinspection,
        actor=actor,
        ip=ip,
        detail=f"复查：{name}，列入 {len(holders)} 个荣誉，条件按 {as_of:%Y-%m-%d} 重新核定",
    )
    return reinspection


@transaction.atomic
def record_result(
    record: ReinspectionRecord,
    *,
    result: str,
    inspected_on: dt.date,
    note: str = "",
    rectify_until: dt.date | None = None,
    actor=None,
    ip: str | None = None,
) -> ReinspectionRecord:
    """保留 / 限期整改 / 撤销 one holder; the title changes with it; the last result closes the 复查."""
    record = (
        ReinspectionRecord.objects.select_for_update(of=("self",))
        .select_related("reinspection__kind", "reinspection__issuer")
        .get(pk=record.pk)
    )
    reinspection = record.reinspection
    if actor is not None and not may_record(actor, reinspection):
        raise PermissionDenied("只有复查单位的管理员可以记录复查结论")
    if reinspection.status == Reinspection.Status.CLOSED:
        raise ValidationError("本次复查已完成，不能再记录结论")
    if record.result:
        raise ValidationError(f"该荣誉的复查结论已记录为「{record.get_result_display()}」")
    note = (note or "").strip()
    title = Title.objects.select_for_update(of=("self",)).get(pk=record.holder_id)
    before = title.status
    if title.status not in HELD:
        raise ValidationError(f"「{title.subject_name}」的荣誉{title.get_status_display()}，不能复查")
    if result == InspectionResult.RETAIN:
        title.status, title.rectify_until = TitleStatus.ACTIVE, None
        title.next_inspection = next_inspection(reinspection.kind, reinspection.as_of)
        text = "复查结论：保留" + (
            f"，下次复查 {title.next_inspection:%Y-%m-%d}" if title.next_inspection else ""
        )
        action = "复查保留"
    elif result == InspectionResult.RECTIFY:
        if rectify_until is None or rectify_until <= inspected_on:
            raise ValidationError("限期整改须填写晚于复查日期的整改期限")
        title.status, title.rectify_until = TitleStatus.RECTIFYING, rectify_until
        record.rectify_until = rectify_until
        text = f"复查结论：限期整改，期限 {rectify_until:%Y-%m-%d}"
        action = "限期整改"
    elif result == InspectionResult.REVOKE:
        if not note:
            raise ValidationError("撤销荣誉须填写复查意见（撤销原因）")
        title.status, title.revoked_on, title.revoked_reason = TitleStatus.REVOKED, inspected_on, note[:500]
        title.rectify_until = None
        title.next_inspection = None
        text = f"复查结论：撤销（{inspected_on:%Y-%m-%d}）"
        action = "撤销"
    else:
        raise ValidationError("请选择复查结论：保留、限期整改或撤销")
    title.save()
    record.result, record.inspected_on, record.note = result, inspected_on, note
    record.inspected_by = actor if getattr(actor, "pk", None) is not None else None
    record.save()
    title_event(
        title,
        action,
        f"{reinspection.title}：{text}" + (f"。{note}" if note else ""),
        actor=actor,
        from_status=before,
        to_status=title.status,
    )
    audit.log(AuditEvent.Action.UPDATE, title, actor=actor, ip=ip, detail=f"复查：{title.subject_name}{text}")
    if not reinspection.records.filter(result="").exists():
        reinspection.status = Reinspection.Status.CLOSED
        reinspection.save(update_fields=["status", "updated_at"])
        audit.log(
            AuditEvent.Action.UPDATE,
            reinspection,
            actor=actor,
            ip=ip,
            detail=f"复查：{reinspection.title}全部记录结论，复查完成",
        )
    return record
