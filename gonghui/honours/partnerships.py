"""结对共建: a named model home (an active Title of 模范职工之家 / 模范职工小家) paired with a grassroots union,
the joint activities logged on the pairing, and its end.

Who may act: an editing user who sees both sides — the holder's union and the partner lie in the user's
subtree (a county pairs its own model home with one of its unions; the city any two of its subtree). The
start and the end are :class:`TitleEvent` rows on the holder; every step writes its audit row.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.scope import covers
from gonghui.orgs.models import GRASSROOTS_KINDS, UnionOrg

from .grants import title_event
from .models import Category, Partnership, PartnershipActivity, Title, TitleStatus

HOME_CATEGORIES = (Category.MODEL_HOME, Category.MODEL_SMALL_HOME)


def may_manage(user, partnership: Partnership) -> bool:
    return (
        bool(getattr(user, "can_edit", False))
        and covers(user, partnership.partner)
        and covers(user, partnership.holder.node)
    )


def model_homes(user):
    """The active model homes the user may pair (their union in the user's subtree)."""
    return (
        Title.objects.visible_to(user)
        .filter(kind__category__in=HOME_CATEGORIES, status=TitleStatus.ACTIVE)
        .select_related("kind")
        .order_by("node__path", "-year")
    )


def partner_unions(user):
    """The active grassroots unions of the user's subtree."""
    return UnionOrg.objects.visible_to(user).filter(kind__in=GRASSROOTS_KINDS, status=UnionOrg.Status.ACTIVE)


@transaction.atomic
def start(
    holder: Title,
    partner: UnionOrg,
    *,
    started_on: dt.date,
    goals: str = "",
    actor=None,
    ip: str | None = None,
) -> Partnership:
    """Pair ``holder`` (an active model home) with ``partner`` (a grassroots union, not itself)."""
    holder = Title.objects.select_for_update(of=("self",)).select_related("kind", "node").get(pk=holder.pk)
    if actor is not None and not (
        getattr(actor, "can_edit", False) and covers(actor, holder.node) and covers(actor, partner)
    ):
        raise PermissionDenied("只有管辖双方的工会管理员可以登记结对共建")
    if holder.kind.category not in HOME_CATEGORIES:
        raise ValidationError(f"「{holder.kind}」不是模范职工之家（小家），不能结对共建")
    if holder.status != TitleStatus.ACTIVE:
        raise ValidationError(f"「{holder.subject_name}」的荣誉{holder.get_status_display()}，不能结对共建")
    if partner.kind not in GRASSROOTS_KINDS:
        raise ValidationError(f"{partner}不是基层工会，不能作为结对对象")
    if partner.status != UnionOrg.Status.ACTIVE:
        raise ValidationError(f"{partner}已撤销，不能结对")
    if partner.pk in (holder.union_id, holder.node_id):
        raise ValidationError("模范职工之家不能与自身所在的工会结对")
    if Partnership.objects.filter(holder=holder, partner=partner, ended_on__isnull=True).exists():
        raise ValidationError(f"「{holder.subject_name}」已与{partner}结对，尚未结束")
    try:
        with transaction.atomic():
            pairing = Partnership.objects.create(
                holder=holder,
                partner=partner,
                started_on=started_on,
                goals=(goals or "").strip(),
                created_by=actor if getattr(actor, "pk", None) is not None else None,
            )
    except IntegrityError:  # a concurrent pairing of the same two
        raise ValidationError(f"「{holder.subject_name}」已与{partner}结对，尚未结束") from None
    title_event(holder, "结对共建", f"与{partner}结对共建（{started_on:%Y-%m-%d}）", actor=actor)
    audit.log(
        AuditEvent.Action.CREATE,
        pairing,
        actor=actor,
        ip=ip,
        detail=f"结对共建：{holder.subject_name}与{partner}结对",
    )
    return pairing


def _lock(partnership: Partnership, actor) -> Partnership:
    partnership = (
        Partnership.objects.select_for_update(of=("self",))
        .select_related("holder__node", "partner")
        .get(pk=partnership.pk)
    )
    if actor is not None and not may_manage(actor, partnership):
        raise PermissionDenied("只有管辖双方的工会管理员可以办理结对共建")
    return partnership


@transaction.atomic
def log_activity(
    partnership: Partnership,
    *,
    on_date: dt.date,
    content: str,
    participants: int = 0,
    actor=None,
    ip: str | None = None,
) -> PartnershipActivity:
    partnership = _lock(partnership, actor)
    if partnership.ended_on is not None:
        raise ValidationError(f"结对已于 {partnership.ended_on:%Y-%m-%d} 结束，不能再登记活动")
    if on_date < partnership.started_on:
        raise ValidationError(f"活动日期不能早于结对日期 {partnership.started_on:%Y-%m-%d}")
    text = " ".join((content or "").split())[:500]
    if not text:
        raise ValidationError("请填写活动内容")
    if participants < 0:
        raise ValidationError("参加人数不能为负数")
    activity = PartnershipActivity.objects.create(
        partnership=partnership,
        on_date=on_date,
        content=text,
        participants=participants,
        recorded_by=actor if getattr(actor, "pk", None) is not None else None,
    )
    audit.log(
        AuditEvent.Action.UPDATE,
        partnership,
        actor=actor,
        ip=ip,
        detail=f"结对共建：登记活动「{text[:50]}」（{on_date:%Y-%m-%d}，{participants} 人参加）",
    )
    return activity


@transaction.atomic
def end(
    partnership: Partnership, *, ended_on: dt.date, note: str = "", actor=None, ip: str | None = None
) -> Partnership:
    partnership = _lock(partnership, actor)
    if partnership.ended_on is not None:
        raise ValidationError(f"结对已于 {partnership.ended_on:%Y-%m-%d} 结束")
    if ended_on < partnership.started_on:
        raise ValidationError(f"结束日期不能早于结对日期 {partnership.started_on:%Y-%m-%d}")
    partnership.ended_on = ended_on
    partnership.save(update_fields=["ended_on", "updated_at"])
    text = f"与{partnership.partner}的结对共建结束（{ended_on:%Y-%m-%d}）" + (
        f"：{note.strip()[:200]}" if note and note.strip() else ""
    )
    title_event(partnership.holder, "结束结对", text, actor=actor)
    audit.log(AuditEvent.Action.UPDATE, partnership, actor=actor, ip=ip, detail=f"结对共建：{text}")
    return partnership
