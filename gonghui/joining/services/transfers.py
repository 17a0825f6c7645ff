"""会籍转接: request, confirm, refuse, cancel, and the scheduled auto-confirmation.

Every answer is one transaction through ``TRANSFERS`` (``flow.Flow``): lock, check, set, event, notice.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.scope import covers
from gonghui.members import services as membership
from gonghui.members.models import ChangeReason, Member
from gonghui.orgs.models import UnionOrg, Workplace

from .. import workdays
from ..models import TransferEvent, TransferRequest, TransferStatus
from .flow import APPLICANT, Flow, JoiningError, today

TRANSFERS = Flow(
    model=TransferRequest,
    related=("member", "from_union", "to_union"),
    pending=(TransferStatus.REQUESTED,),
    event=TransferEvent,
    subject="transfer",
    called=lambda tr: "该转接申请",
    recipient=lambda tr: tr.member,
    notice=lambda tr, verdict: (
        f"【工会会籍转接】{tr.member.name}您好，您从「{tr.from_union.name}」转至「{tr.to_union.name}」"
        f"的会籍转接{verdict}"
    ),
)


def _in_scope(user, union: UnionOrg) -> bool:
    if user is None:
        return True  # the public channel and the scheduler act without an account
    return covers(user, union)


@transaction.atomic
def request_transfer(
    member: Member,
    to_union: UnionOrg,
    actor=None,
    workplace: Workplace | None = None,
    note: str = "",
    at: dt.datetime | None = None,
    ip: str | None = None,
) -> TransferRequest:
    """Start a transfer. Three ways in:

    - the new union asks for the member (``actor`` governs ``to_union``): the holding union answers;
    - the member's own union starts a transfer out (``actor`` governs the member's union only): the
      receiving union answers;
    - the member through the public page (``actor`` None): the holding union answers.

    The answer is due ``transfer_working_days`` working days after the request (``at``, default now),
    counted for the answering union: never before the request."""
    locked = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
    if not locked.is_held:
        raise JoiningError(f"会员当前状态为「{locked.get_status_display()}」，不能申请转接")
    if locked.union_id == to_union.pk:
        raise JoiningError("转入工会与当前所在工会相同")
    if to_union.status != UnionOrg.Status.ACTIVE:
        raise JoiningError(f"「{to_union.name}」已{to_union.get_status_display()}，不能接收会员")
    if actor is None:
        channel = TransferRequest.Channel.PUBLIC
    elif actor.can_review and _in_scope(actor, to_union):
        channel = TransferRequest.Channel.UNION
    elif actor.can_review and _in_scope(actor, locked.union):
        channel = TransferRequest.Channel.OUTGOING
    else:
        raise JoiningError("只能为本工会及下级工会申请转入，或将本工会及下级工会的会员转出")
    if TransferRequest.objects.filter(member=locked, status=TransferStatus.REQUESTED).exists():
        raise JoiningError("该会员已有一份待确认的转接申请")
    now = at or timezone.now()
    answering = to_union if channel == TransferRequest.Channel.OUTGOING else locked.union
    deadline = workdays.transfer_deadline(answering, timezone.localdate(now))
    if deadline < timezone.localdate(now):
        raise JoiningError("答复期限不能早于申请日期，请检查转接办理时限设置")
    tr = TransferRequest.objects.create(
        member=locked,
        from_union=locked.union,
        to_union=to_union,
        workplace=workplace,
        channel=channel,
        requested_by=actor,
        requested_at=now,
        deadline=deadline,
        note=note[:255],
    )
    default_note = "转出工会发起转出" if channel == TransferRequest.Channel.OUTGOING else "申请转接"
    TRANSFERS.record(tr, "", actor, note or default_note, label="" if actor else APPLICANT)
    audit.log(
        AuditEvent.Action.CREATE,
        tr,
        actor=actor,
        ip=ip,
        detail=f"申请会籍转接（{tr.get_channel_display()}）：「{tr.from_union.name}」→「{to_union.name}」",
    )
    return tr


def may_answer(user, tr: TransferRequest) -> bool:
    """Confirm or refuse: a reviewer or administrator governing the answering union."""
    return user is not None and user.can_review and _in_scope(user, tr.answering_union)


def _only_the_answering_side(verb: str):
    return lambda tr: f"只有「{tr.answering_union.name}」（或其上级工会）可以{verb}该转接"


@transaction.atomic
def confirm_transfer(
    tr: TransferRequest, actor=None, auto: bool = False, note: str = "", ip: str | None = None
) -> TransferRequest:
    """The holding union confirms (or the deadline passed: ``auto``): 转出 and 转入 are written by
    ``members.services.transfer`` in this same transaction."""
    locked = TRANSFERS.lock(
        tr, actor, may=None if auto else may_answer, denied=_only_the_answering_side("确认")
    )
    try:
        membership.transfer(
            locked.member,
            locked.to_union,
            today(),
            actor=actor,
            reason=ChangeReason.JOB_CHANGE,
            workplace=locked.workplace,
            note=f"会籍转接申请 {locked.pk}",
            ip=ip,
        )
    except membership.MembershipError as exc:
        raise JoiningError(str(exc)) from None
    return TRANSFERS.move(
        locked,
        TransferStatus.AUTO_CONFIRMED if auto else TransferStatus.CONFIRMED,
        actor,
        note=note or ("逾期未答复，系统自动确认" if auto else "确认转接"),
        audit_detail=f"会籍转接答复期限 {locked.deadline:%Y-%m-%d} 已过，系统自动确认"
        if auto
        else f"确认会籍转接：「{locked.from_union.name}」→「{locked.to_union.name}」",
        ip=ip,
        tell="已办理完成",
        decided_at=timezone.now(),
        decided_by=actor,
    )


@transaction.atomic
def refuse_transfer(tr: TransferRequest, actor, reason: str, ip: str | None = None) -> TransferRequest:
    reason = (reason or "").strip()
    if not reason:
        raise JoiningError("请填写拒绝的原因")
    return TRANSFERS.move(
        TRANSFERS.lock(tr, actor, may=may_answer, denied=_only_the_answering_side("拒绝")),
        TransferStatus.REFUSED,
        actor,
        note=reason,
        audit_detail=f"拒绝会籍转接，原因：{reason}",
        ip=ip,
        tell=f"未获同意，原因：{reason}",
        decided_at=timezone.now(),
        decided_by=actor,
        refuse_reason=reason[:255],
    )


@transaction.atomic
def cancel_transfer(
    tr: TransferRequest, actor=None, note: str = "", ip: str | None = None
) -> TransferRequest:
    return TRANSFERS.move(
        TRANSFERS.lock(tr),
        TransferStatus.CANCELLED,
        actor,
        note=note or "撤销",
        audit_detail=f"撤销会籍转接申请：{note or '撤销'}",
        ip=ip,
        decided_at=timezone.now(),
        decided_by=actor,
    )


def auto_confirm_transfers(on: dt.date | None = None) -> dict[str, int]:
    """Confirm every request whose deadline has passed without an answer. Each in its own
    transaction: one that can no longer be done (the member left meanwhile) is cancelled with the
    reason and does not stop the others."""
    on = on or today()
    done = {"confirmed": 0, "cancelled": 0}
    due = TransferRequest.objects.filter(status=TransferStatus.REQUESTED, deadline__lt=on).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        tr = TransferRequest(pk=pk)
        try:
            confirm_transfer(tr, auto=True)
            done["confirmed"] += 1
        except JoiningError as exc:
            try:
                cancel_transfer(tr, note=f"无法自动确认：{exc}")
                done["cancelled"] += 1
            except JoiningError:
                pass  # decided by someone else in the meantime
    return done
