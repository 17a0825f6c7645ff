"""Membership operations. Each is one transaction that changes the member and writes its events.

Views, imports, online joining and the API call these; none of them touches a request. Each also writes
its audit event (``core.audit.log``) in that transaction, with the actor and the client address (``ip``,
a plain value: None from a command or a task). The bulk import writes its own rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum

from gonghui.core import audit, hooks
from gonghui.core.models import AuditEvent
from gonghui.core.normalize import ResidentId, normalize_phone
from gonghui.core.scope import covers, scope_prefix
from gonghui.orgs.models import UnionOrg, Workplace
from gonghui.orgs.services import common_ancestor_name
from gonghui.regions.loader import provinces

from .models import (
    EVENT_DELTA,
    HELD_STATUSES,
    ChangeReason,
    EmploymentStatus,
    EventKind,
    Member,
    MembershipEvent,
    MemberStatus,
    NewFormGroup,
)


class MembershipError(Exception):
    """A membership operation that the rules forbid; ``str(exc)`` is the Chinese reason."""


class AlreadyMember(MembershipError):
    """The person holds a membership. Only a viewer whose subtree holds it learns where and since when;
    anyone else (and an unknown viewer) hears that it is elsewhere and whom to ask."""

    def __init__(self, holder: Member, viewer=None):
        self.holder = holder
        if viewer is not None and covers(viewer, holder.union):
            message = (
                f"该人员已是「{holder.union.name}」的{holder.get_status_display()}会员"
                f"（入会日期 {holder.join_date:%Y-%m-%d}），一人只能有一个有效会籍；如需变更请办理会籍转接"
            )
        else:
            message = held_elsewhere_message(scope_prefix(viewer) or None, holder.union.path)
        super().__init__(message)


def held_elsewhere_message(viewer_path: str | None, holder_path: str, names: dict | None = None) -> str:
    """A membership outside the viewer's subtree: neither the union nor the date is named, only the
    union both sides answer to (their lowest common ancestor), which can arrange a transfer."""
    contact = common_ancestor_name(viewer_path, holder_path, names)
    return (
        "该人员已在您管辖范围以外的工会登记有效会籍，一人只能有一个有效会籍；"
        f"如属本人更换单位，请联系{f'「{contact}」' if contact else '上级工会'}协调办理会籍转接"
    )


def held_membership(id_hash: str) -> Member | None:
    return Member.objects.select_related("union").filter(id_hash=id_hash, status__in=HELD_STATUSES).first()


def _event(member: Member, kind: str, date: dt.date, union: UnionOrg, actor=None, **extra) -> MembershipEvent:
    return MembershipEvent.objects.create(
        member=member, kind=kind, date=date, union=union, delta=EVENT_DELTA[kind], actor=actor, **extra
    )


@dataclass
class Applicant:
    """What is known of a person joining: the validated ID and the rest of the record."""

    resident_id: ResidentId
    name: str
    phone: str = ""
    is_migrant_worker: bool = False
    new_form_group: NewFormGroup | None = None
    workplace: Workplace | None = None
    employment_status: str = EmploymentStatus.EMPLOYED


def join(
    applicant: Applicant,
    union: UnionOrg,
    date: dt.date,
    actor=None,
    note: str = "",
    ip: str | None = None,
) -> Member:
    """入会: a new membership and its 入会 event. Refused if the person already holds a membership,
    also when another transaction makes one at the same moment (the unique constraint decides)."""
    rid = applicant.resident_id
    if union.status != UnionOrg.Status.ACTIVE:
        raise MembershipError(f"「{union.name}」已{union.get_status_display()}，不能接收会员")
    if date > dt.date.today():
        raise MembershipError("入会日期不能晚于今天")
    member = Member(
        name=applicant.name,
        birth_date=rid.birth_date,
        sex=rid.sex,
        id_upgraded=rid.upgraded,
        union=union,
        workplace=applicant.workplace,
        join_date=date,
        status=MemberStatus.ACTIVE,
        employment_status=applicant.employment_status,
        is_migrant_worker=applicant.is_migrant_worker,
        new_form_group=applicant.new_form_group,
    )
    member.set_id_number(rid.number)
    # Another province's membership (the national roll-up's check, when configured): refused, naming the
    # province only; a check that cannot be asked refuses too (no membership is made unchecked).
    try:
        refused = hooks.refusals("membership.admit", [rid.number])
    except hooks.CheckUnavailable as exc:
        raise MembershipError(str(exc)) from None
    if refused:
        raise MembershipError(refused[rid.number])
    if applicant.phone:
        member.set_phone(normalize_phone(applicant.phone))
    try:
        with transaction.atomic():
            holder = held_membership(member.id_hash)
            if holder is not None:
                raise AlreadyMember(holder, actor)
            member.save()
            _event(member, EventKind.JOIN, date, union, actor, reason=ChangeReason.NEW, note=note)
            hooks.emit("membership.held", numbers=[rid.number])
            audit.log(AuditEvent.Action.CREATE, member, actor=actor, ip=ip, detail=f"入会：{union.name}")
    except IntegrityError:
        # Another transaction committed a membership for the same person between our check and insert.
        holder = held_membership(member.id_hash)
        if holder is None:
            raise
        raise AlreadyMember(holder, actor) from None
    return member


@transaction.atomic
def update_record(
    member: Member, *, actor=None, phone: str = "", changed: list[str] | None = None, ip: str | None = None
) -> Member:
    """Save the edited fields of a member's record (not identity, union or status: those change by
    join/transfer/retain/leave) and a new phone if one is given; ``changed`` names the edited fields
    for the audit event."""
    if phone:
        member.set_phone(normalize_phone(phone))
    member.save()
    audit.log(AuditEvent.Action.UPDATE, member, actor=actor, ip=ip, detail="、".join(changed or []))
    return member


def _reason(reason: str) -> str:
    return ChangeReason(reason).label if reason in ChangeReason.values else reason


def _lock(member: Member) -> Member:
    return Member.objects.select_for_update().select_related("union").get(pk=member.pk)


@transaction.atomic
def transfer(
    member: Member,
    to_union: UnionOrg,
    date: dt.date,
    actor=None,
    reason: str = ChangeReason.JOB_CHANGE,
    workplace: Workplace | None = None,
    note: str = "",
    ip: str | None = None,
) -> Member:
    """会籍转接: 转出 at the old union and 转入 at the new one, on the same date; the member moves."""
    locked = _lock(member)
    if locked.status not in HELD_STATUSES:
        raise MembershipError(f"会员当前状态为「{locked.get_status_display()}」，不能转接")
    if locked.union_id == to_union.pk:
        raise MembershipError("转入工会与当前所在工会相同")
    if to_union.status != UnionOrg.Status.ACTIVE:
        raise MembershipError(f"「{to_union.name}」已{to_union.get_status_display()}，不能接收会员")
    from_union = locked.union
    _event(
        locked,
        EventKind.TRANSFER_OUT,
        date,
        from_union,
        actor,
        other_union=to_union,
        reason=reason,
        note=note,
    )
    _event(
        locked, EventKind.TRANSFER_IN, date, to_union, actor, other_union=from_union, reason=reason, note=note
    )
    locked.union = to_union
    locked.workplace = workplace
    locked.status = MemberStatus.ACTIVE
    locked.save(update_fields=["union", "workplace", "status", "updated_at"])
    detail = f"会籍转接：{from_union.name} → {to_union.name}（{_reason(reason)}）"
    audit.log(AuditEvent.Action.UPDATE, locked, actor=actor, ip=ip, detail=detail)
    return locked


@transaction.atomic
def retain(
    member: Member,
    date: dt.date,
    reason: str,
    actor=None,
    holding_union: UnionOrg | None = None,
    note: str = "",
    ip: str | None = None,
) -> Member:
    """保留会籍 (retirement, unemployment, layoff, employer closed). When the employer closed, the
    higher-level union holds the membership: pass it as ``holding_union`` and the member is moved."""
    locked = _lock(member)
    if locked.status != MemberStatus.ACTIVE:
        raise MembershipError(f"会员当前状态为「{locked.get_status_display()}」，不能办理保留会籍")
    if holding_union is not None and holding_union.pk != locked.union_id:
        locked = transfer(locked, holding_union, date, actor, reason=reason, note=note, ip=ip)
    _event(locked, EventKind.RETAIN, date, locked.union, actor, reason=reason, note=note)
    locked.status = MemberStatus.RETAINED
    if reason == ChangeReason.RETIRED:
        locked.employment_status = EmploymentStatus.RETIRED
    elif reason == ChangeReason.UNEMPLOYED:
        locked.employment_status = EmploymentStatus.UNEMPLOYED
    elif reason == ChangeReason.LAID_OFF:
        locked.employment_status = EmploymentStatus.LAID_OFF
    locked.save(update_fields=["status", "employment_status", "updated_at"])
    audit.log(AuditEvent.Action.UPDATE, locked, actor=actor, ip=ip, detail=f"保留会籍（{_reason(reason)}）")
    return locked


@transaction.atomic
def leave(
    member: Member,
    date: dt.date,
    reason: str,
    actor=None,
    expel: bool = False,
    note: str = "",
    ip: str | None = None,
) -> Member:
    """退会 (or 除名 with ``expel``: only after a criminal penalty)."""
    locked = _lock(member)
    if locked.status not in HELD_STATUSES:
        raise MembershipError(f"会员当前状态为「{locked.get_status_display()}」，不能办理退会")
    if expel and reason != ChangeReason.CRIMINAL:
        raise MembershipError("除名仅适用于受刑事处分的会员")
    if date < locked.join_date:
        raise MembershipError("离会日期不能早于入会日期")
    what = "除名" if expel else "退会"
    return _end(
        locked,
        EventKind.REMOVE if expel else EventKind.EXIT,
        MemberStatus.REMOVED if expel else MemberStatus.EXITED,
        date,
        actor,
        reason,
        note,
        ip,
        detail=f"{what}（{_reason(reason)}）",
    )


def _end(
    locked: Member, kind: str, status: str, date: dt.date, actor, reason: str, note: str, ip, detail: str
):
    """A membership ends (退会, 除名, 转出至外省): the event at its union, the status and date, the national
    roll-up told, the audit row."""
    _event(locked, kind, date, locked.union, actor, reason=reason, note=note)
    locked.status = status
    locked.left_on = date
    locked.save(update_fields=["status", "left_on", "updated_at"])
    hooks.emit("membership.ended", numbers=[locked.id_number])
    audit.log(AuditEvent.Action.UPDATE, locked, actor=actor, ip=ip, detail=detail)
    return locked


def home_province(member: Member) -> str:
    """This instance's province (GONGHUI_PROVINCE_CODE), or, where none is set, the member's union's."""
    return settings.GONGHUI_PROVINCE_CODE or member.union.region.code[:2]


@transaction.atomic
def transfer_out_of_province(
    member: Member,
    province_code: str,
    date: dt.date,
    actor=None,
    reason: str = ChangeReason.JOB_CHANGE,
    note: str = "",
    ip: str | None = None,
) -> Member:
    """转出至外省: the person moves to a union in another province, which runs its own instance. The
    membership ends here as 已转出 (a 转出 event, −1 at the union); the national roll-up withdraws the
    person's digest, so that the other province may then admit them."""
    names = dict(provinces())
    locked = _lock(member)
    if locked.status not in HELD_STATUSES:
        raise MembershipError(f"会员当前状态为「{locked.get_status_display()}」，不能办理转出")
    if province_code not in names:
        raise MembershipError("请选择转入的省份")
    if province_code == home_province(locked):
        raise MembershipError("转入省份与本省相同：省内调动请办理「会籍转接」")
    if date < locked.join_date:
        raise MembershipError("转出日期不能早于入会日期")
    destination = f"转至{names[province_code]}"
    return _end(
        locked,
        EventKind.TRANSFER_OUT,
        MemberStatus.TRANSFERRED,
        date,
        actor,
        reason,
        f"{destination}；{note}" if note else destination,
        ip,
        detail=f"转出至外省：{names[province_code]}（{_reason(reason)}）",
    )


@dataclass
class Growth:
    joined: int = 0
    transferred_in: int = 0
    transferred_out: int = 0
    left: int = 0
    net: int = 0
    net_migrant: int = 0
    net_new_form: int = 0


def net_growth(union: UnionOrg, start: dt.date, end: dt.date) -> Growth:
    """Net change in members of the union's whole subtree between start and end (both inclusive).

    Transfers between two unions inside the subtree add +1 and −1 and so cancel out.
    """
    events = MembershipEvent.objects.filter(union__path__startswith=union.path, date__range=(start, end))
    totals = events.aggregate(
        joined=Count("id", filter=Q(kind=EventKind.JOIN)),
        transferred_in=Count("id", filter=Q(kind=EventKind.TRANSFER_IN)),
        transferred_out=Count("id", filter=Q(kind=EventKind.TRANSFER_OUT)),
        left=Count("id", filter=Q(kind__in=[EventKind.EXIT, EventKind.REMOVE])),
        net=Sum("delta"),
        net_migrant=Sum("delta", filter=Q(member__is_migrant_worker=True)),
        net_new_form=Sum("delta", filter=Q(member__new_form_group__isnull=False)),
    )
    return Growth(**{key: value or 0 for key, value in totals.items()})
