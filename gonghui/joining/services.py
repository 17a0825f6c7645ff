"""Online joining and transfers. Each operation is one transaction that writes its event row.

Views and commands call these; none of them touches a request.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gonghui.core import audit, crypto
from gonghui.core.models import AuditEvent
from gonghui.core.normalize import ResidentId, normalize_resident_id
from gonghui.core.scope import covers
from gonghui.members import services as membership
from gonghui.members.models import HELD_STATUSES, ChangeReason, Member, NewFormGroup
from gonghui.orgs.models import UnionOrg, Workplace
from gonghui.regions.models import Region

from . import notify, workdays
from .models import (
    OPEN_STATUSES,
    ApplicationEvent,
    ApplicationStatus,
    InsurancePlanOffer,
    JoinApplication,
    TransferEvent,
    TransferRequest,
    TransferStatus,
)
from .routing import NoRoute, route

log = logging.getLogger("gonghui.joining")

CONSENT_VERSION = "2026-2"  # 2026-2: adds 是否农民工 and the employer's name
APPLICANT = "申请人"
SYSTEM = "系统"


class JoiningError(Exception):
    """An operation the rules refuse; ``str(exc)`` is the Chinese reason shown to the user."""


class ApplicationRefused(JoiningError):
    pass


class AlreadyMemberRefused(ApplicationRefused):
    """The applicant proved who they are (name + ID + phone match the member record): they may be
    told where their membership is and offered a transfer."""

    def __init__(self, holder: Member):
        self.holder = holder
        super().__init__(
            f"您已是「{holder.union.name}」的会员（入会日期 {holder.join_date:%Y-%m-%d}），"
            "一人只能有一个有效会籍，无需重复入会。如已更换工作单位，可申请会籍转接。"
        )


@dataclass
class ApplicationInput:
    name: str
    resident_id: ResidentId
    phone: str
    workplace: Workplace | None = None
    new_form_group: NewFormGroup | None = None
    district: Region | None = None
    consent_constitution: bool = False
    consent_personal_data: bool = False
    is_migrant_worker: bool = False
    employer_name: str = ""  # the employer, when it has no union (or is not in the registry)
    employer_uscc: str = ""


def today() -> dt.date:
    return timezone.localdate()


def identity_matches(record, name: str, phone: str) -> bool:
    """Name and phone typed by the applicant equal those on a member or application record: the
    only proof of identity a public page has, so the only case in which it reveals a membership."""
    return bool(phone) and record.name == name and record.phone_hash == crypto.lookup_hash("phone", phone)


def _new_number(on: dt.date) -> str:
    # Random rather than sequential: numbers cannot be enumerated and need no shared counter.
    return f"RH{on:%Y%m%d}{secrets.randbelow(1_000_000):06d}"


def _app_event(
    app: JoinApplication, from_status: str, actor=None, note: str = "", from_union=None, label: str = ""
):
    return ApplicationEvent.objects.create(
        application=app,
        actor=actor,
        actor_label=label or (SYSTEM if actor is None else ""),
        from_status=from_status,
        to_status=app.status,
        from_union=from_union,
        to_union=app.routed_union,
        note=note[:255],
    )


def find_open_application(id_hash: str) -> JoinApplication | None:
    # Only what the refusal message needs, unordered: this runs on every public submission.
    return (
        JoinApplication.objects.filter(id_hash=id_hash, status__in=OPEN_STATUSES)
        .only("number", "name", "phone_hash", "submitted_at")
        .order_by()
        .first()
    )


def _probe(id_hash: str) -> tuple[bool, bool]:
    """(holds a membership, has an open application) for an ID, in one round trip: both are false for
    nearly every applicant, so the records themselves are fetched only when one is true."""
    qn = connection.ops.quote_name
    member, app = Member._meta.db_table, JoinApplication._meta.db_table
    held = ", ".join(["%s"] * len(HELD_STATUSES))
    open_ = ", ".join(["%s"] * len(OPEN_STATUSES))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {qn(member)} WHERE id_hash = %s AND status IN ({held})), "
            f"EXISTS (SELECT 1 FROM {qn(app)} WHERE id_hash = %s AND status IN ({open_}))",
            [id_hash, *map(str, HELD_STATUSES), id_hash, *map(str, OPEN_STATUSES)],
        )
        held_any, open_any = cursor.fetchone()
    return bool(held_any), bool(open_any)


def submit(data: ApplicationInput) -> JoinApplication:
    """A new application, routed and given a deadline. Refused at once: no consent, an open
    application for the same ID, or a membership held by the same person (name + phone match)."""
    if not (data.consent_constitution and data.consent_personal_data):
        raise ApplicationRefused("请阅读并同意工会章程及个人信息使用告知书")
    id_hash = crypto.lookup_hash("ric", data.resident_id.number)
    if connection.vendor == "postgresql":
        # Nearly every applicant holds no membership and has no open application: write at once, with
        # both checks inside the INSERT (one statement, one round trip). When it writes nothing, one of
        # them is true (or the route is missing) and the checks below say which.
        try:
            target = route(data.workplace, data.new_form_group, data.district)
        except NoRoute:
            target = None
        if target is not None:
            app, event = _new_application(data, target, held_elsewhere=False)
            if _insert_new(app, event, unless_taken=id_hash):
                return app
    held_any, open_any = _probe(id_hash)
    holder = membership.held_membership(id_hash) if held_any else None
    held_elsewhere = False
    if holder is not None:
        if identity_matches(holder, data.name, data.phone):
            raise AlreadyMemberRefused(holder)
        # Someone typed an ID that holds a membership, but not with that member's name and phone:
        # accept it like any other application (the public page then says nothing about the ID) and
        # flag it, so that the reviewer checks the person before anything is decided.
        held_elsewhere = True
    existing = find_open_application(id_hash) if open_any else None
    if existing is not None:
        if identity_matches(existing, data.name, data.phone):
            raise ApplicationRefused(
                f"您已于 {timezone.localtime(existing.submitted_at):%Y-%m-%d} 提交入会申请（编号 {existing.number}），"
                "正在办理中，请勿重复提交；可凭申请编号和身份证号查询进度"
            )
        raise ApplicationRefused(
            "该身份证号已有一份正在办理的入会申请，请勿重复提交；可凭申请编号和身份证号查询进度"
        )
    try:
        target = route(data.workplace, data.new_form_group, data.district)
    except NoRoute as exc:
        raise ApplicationRefused(str(exc)) from None
    app, event = _new_application(data, target, held_elsewhere=held_elsewhere)
    _insert_new(app, event)
    return app


def _new_application(
    data: ApplicationInput, target, held_elsewhere: bool
) -> tuple[JoinApplication, ApplicationEvent]:
    now = timezone.now()
    app = JoinApplication(
        name=data.name,
        workplace=data.workplace,
        no_union_at_work=data.workplace is None,
        employer_name="" if data.workplace else data.employer_name,
        employer_uscc="" if data.workplace else data.employer_uscc,
        is_migrant_worker=data.is_migrant_worker,
        new_form_group=data.new_form_group,
        district=data.district or (data.workplace.region if data.workplace else None),
        consent_constitution=True,
        consent_personal_data=True,
        consent_version=CONSENT_VERSION,
        routed_union=target.union,
        route_reason=target.reason,
        submitted_at=now,
        deadline=workdays.review_deadline(target.union, timezone.localdate(now)),
        held_elsewhere=held_elsewhere,
    )
    app.set_id_number(data.resident_id.number)
    if data.phone:
        app.set_phone(data.phone)
    event = ApplicationEvent(
        actor_label=APPLICANT,
        from_status="",
        to_status=app.status,
        to_union=app.routed_union,
        note=target.reason[:255],
    )
    return app, event


def _insert_new(app: JoinApplication, event: ApplicationEvent, unless_taken: str | None = None) -> bool:
    """Insert with a fresh random number, drawing again on a collision. With ``unless_taken`` (an ID
    hash; PostgreSQL only) nothing is written, and False returned, if that ID holds a membership or has
    an open application."""
    day = timezone.localdate(app.submitted_at)
    for _attempt in range(5):
        app.number = _new_number(day)
        try:
            return _insert_with_event(app, event, unless_taken)
        except IntegrityError:
            if JoinApplication.objects.filter(number=app.number).exists():
                app.pk = None
                continue
            raise
    raise JoiningError("申请编号生成失败，请稍后重试")


def _insert_with_event(
    app: JoinApplication, event: ApplicationEvent, unless_taken: str | None = None
) -> bool:
    """Write a new application and its first event, both or neither; True when written.

    On PostgreSQL one statement, ``WITH a AS (INSERT … SELECT … WHERE NOT EXISTS … RETURNING id) INSERT
    INTO event … SELECT FROM a``: a statement is atomic on its own, so the public submission needs
    neither BEGIN nor COMMIT round trips, and the SQL text is built once per process instead of compiled
    by the ORM on every request. Values go through each field's own ``pre_save``/``get_db_prep_save``, as
    ``Model.save()`` does. Elsewhere (SQLite): the ORM in a transaction, and no ``unless_taken``."""
    if connection.vendor != "postgresql":
        if unless_taken is not None:
            raise NotImplementedError("unless_taken: PostgreSQL only")
        with transaction.atomic():
            app.save()
            event.application = app
            event.save()
        return True
    sql, app_fields, event_fields = _insert_with_event_sql(guarded=unless_taken is not None)
    params = [f.get_db_prep_save(f.pre_save(app, True), connection) for f in app_fields]
    if unless_taken is not None:
        params += [unless_taken, *map(str, HELD_STATUSES), unless_taken, *map(str, OPEN_STATUSES)]
    params += [f.get_db_prep_save(f.pre_save(event, True), connection) for f in event_fields]
    # Inside a caller's transaction a failed INSERT (a duplicate number) must not spoil it: savepoint.
    savepoint = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    with savepoint, connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    app.pk, event.pk = row
    for obj in (app, event):
        obj._state.adding, obj._state.db = False, connection.alias
    event.application = app
    return True


@functools.cache
def _insert_with_event_sql(guarded: bool) -> tuple[str, list, list]:
    def insertable(model, *skip: str) -> list:
        return [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in skip]

    def marks(n: int) -> str:
        return ", ".join(["%s"] * n)

    qn = connection.ops.quote_name
    app_fields = insertable(JoinApplication)
    event_fields = insertable(ApplicationEvent, "application")
    app_table, event_table = qn(JoinApplication._meta.db_table), qn(ApplicationEvent._meta.db_table)
    member_table = qn(Member._meta.db_table)
    app_cols = ", ".join(qn(f.column) for f in app_fields)
    event_cols = ", ".join(qn(f.column) for f in event_fields)
    app_pk, event_pk = qn(JoinApplication._meta.pk.column), qn(ApplicationEvent._meta.pk.column)
    event_fk = qn(ApplicationEvent._meta.get_field("application").column)
    guard = (
        f" WHERE NOT EXISTS (SELECT 1 FROM {member_table} WHERE id_hash = %s AND status IN "
        f"({marks(len(HELD_STATUSES))})) AND NOT EXISTS (SELECT 1 FROM {app_table} WHERE id_hash = %s "
        f"AND status IN ({marks(len(OPEN_STATUSES))}))"
        if guarded
        else ""
    )
    sql = (
        f"WITH a AS (INSERT INTO {app_table} ({app_cols}) SELECT {marks(len(app_fields))}{guard} "
        f"RETURNING {app_pk}) "
        f"INSERT INTO {event_table} ({event_fk}, {event_cols}) "
        f"SELECT a.{app_pk}, {marks(len(event_fields))} FROM a "
        f"RETURNING {event_fk}, {event_pk}"
    )
    return sql, app_fields, event_fields


def may_review(user, app: JoinApplication) -> bool:
    if user is None or not user.is_authenticated or not user.can_review:
        return False
    return covers(user, app.routed_union)


def _lock_open(app: JoinApplication, actor) -> JoinApplication:
    locked = JoinApplication.objects.select_for_update().select_related("routed_union").get(pk=app.pk)
    if not locked.is_open:
        raise JoiningError(f"申请 {locked.number} 已{locked.get_status_display()}，不能再办理")
    if not may_review(actor, locked):
        raise JoiningError("您无权审核该申请（不在您的管辖范围内或角色不是审核员/管理员）")
    return locked


def _decision_text(app: JoinApplication, verdict: str) -> str:
    return f"【工会入会】{app.name}您好，您的入会申请（编号 {app.number}）{verdict}"


UNCHANGED = object()


def _correct_categories(app: JoinApplication, is_migrant_worker, new_form_group) -> list[str]:
    """Apply the reviewer's corrections of the reported categories; returns what changed, in words."""
    changes = []
    if is_migrant_worker is not None and is_migrant_worker != app.is_migrant_worker:
        changes.append(
            f"农民工 {'是' if app.is_migrant_worker else '否'}→{'是' if is_migrant_worker else '否'}"
        )
        app.is_migrant_worker = is_migrant_worker
    if new_form_group is not UNCHANGED and new_form_group != app.new_form_group:
        changes.append(f"新就业形态群体 {app.new_form_group or '无'}→{new_form_group or '无'}")
        app.new_form_group = new_form_group
    return changes


@transaction.atomic
def approve(
    app: JoinApplication,
    actor,
    note: str = "",
    is_migrant_worker: bool | None = None,
    new_form_group=UNCHANGED,
) -> JoinApplication:
    """Approve: the member record, its 入会 event, the application's event and, for new-form
    workers, the insurance-plan offer, all in this one transaction. The reviewer may correct the
    categories the applicant reported (农民工, the new-form group); the approval event says what
    was corrected, from what to what."""
    locked = _lock_open(app, actor)
    corrections = _correct_categories(locked, is_migrant_worker, new_form_group)
    applicant = membership.Applicant(
        resident_id=normalize_resident_id(locked.id_number),
        name=locked.name,
        phone=locked.phone,
        is_migrant_worker=locked.is_migrant_worker,
        new_form_group=locked.new_form_group,
        workplace=locked.workplace,
    )
    on = today()
    try:
        member = membership.join(
            applicant, locked.routed_union, on, actor=actor, note=f"网上入会 {locked.number}"
        )
    except membership.AlreadyMember as exc:
        raise JoiningError(f"不能批准：{exc}") from None
    except membership.MembershipError as exc:
        raise JoiningError(str(exc)) from None
    previous = locked.status
    locked.status = ApplicationStatus.APPROVED
    locked.reviewer = actor
    locked.decided_at = timezone.now()
    locked.member = member
    locked.save(
        update_fields=[
            "status",
            "reviewer",
            "decided_at",
            "member",
            "is_migrant_worker",
            "new_form_group",
            "updated_at",
        ]
    )
    text = note or "批准入会"
    if corrections:
        text += "；审核更正：" + "，".join(corrections)
    _app_event(locked, previous, actor, text)
    if locked.new_form_group_id:
        InsurancePlanOffer.objects.create(member=member, application=locked, offered_on=on)
    if locked.phone_enc:
        notify.queue(
            locked.phone,
            _decision_text(locked, f"已获「{locked.routed_union.name}」批准，欢迎加入工会！"),
            application=locked,
        )
    return locked


@transaction.atomic
def reject(app: JoinApplication, actor, reason: str) -> JoinApplication:
    reason = (reason or "").strip()
    if not reason:
        raise JoiningError("请填写未通过的原因")
    locked = _lock_open(app, actor)
    previous = locked.status
    locked.status = ApplicationStatus.REJECTED
    locked.reviewer = actor
    locked.decided_at = timezone.now()
    locked.reject_reason = reason[:255]
    locked.save(update_fields=["status", "reviewer", "decided_at", "reject_reason", "updated_at"])
    _app_event(locked, previous, actor, reason)
    if locked.phone_enc:
        notify.queue(locked.phone, _decision_text(locked, f"未获通过，原因：{reason}"), application=locked)
    return locked


@transaction.atomic
def forward(app: JoinApplication, actor, to_union: UnionOrg, note: str) -> JoinApplication:
    """Hand the application to another union (e.g. the workplace's own union, a zone union). The
    deadline stays: it is a promise to the applicant, not to a union."""
    note = (note or "").strip()
    if not note:
        raise JoiningError("请填写转交说明")
    locked = _lock_open(app, actor)
    if to_union.pk == locked.routed_union_id:
        raise JoiningError("转交的工会与当前受理工会相同")
    if to_union.status != UnionOrg.Status.ACTIVE:
        raise JoiningError(f"「{to_union.name}」已{to_union.get_status_display()}，不能受理申请")
    previous, from_union = locked.status, locked.routed_union
    locked.status = ApplicationStatus.FORWARDED
    locked.routed_union = to_union
    locked.save(update_fields=["status", "routed_union", "updated_at"])
    _app_event(locked, previous, actor, note, from_union=from_union)
    if locked.phone_enc:
        notify.queue(
            locked.phone,
            _decision_text(locked, f"已转交「{to_union.name}」办理。说明：{note}"),
            application=locked,
        )
    return locked


@transaction.atomic
def withdraw(app: JoinApplication) -> JoinApplication:
    """The applicant withdraws (from the status page, after proving number + ID)."""
    locked = JoinApplication.objects.select_for_update().select_related("routed_union").get(pk=app.pk)
    if not locked.is_open:
        raise JoiningError(f"申请 {locked.number} 已{locked.get_status_display()}，不能撤回")
    previous = locked.status
    locked.status = ApplicationStatus.WITHDRAWN
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_at", "updated_at"])
    _app_event(locked, previous, label=APPLICANT, note="申请人撤回")
    return locked


def lookup_status(number: str, id_number: str) -> JoinApplication | None:
    """The public status check: both the number and the ID must match, or nothing is found."""
    return (
        JoinApplication.objects.select_related("routed_union")
        .filter(number=number.strip().upper(), id_hash=crypto.lookup_hash("ric", id_number))
        .first()
    )


# -- transfers (会籍转接) -----------------------------------------------------------------------------


def _transfer_event(tr: TransferRequest, from_status: str, actor=None, note: str = "", label: str = ""):
    return TransferEvent.objects.create(
        transfer=tr,
        actor=actor,
        actor_label=label or (SYSTEM if actor is None else ""),
        from_status=from_status,
        to_status=tr.status,
        note=note[:255],
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
    _transfer_event(tr, "", actor, note or default_note, label="" if actor else APPLICANT)
    return tr


def may_answer(user, tr: TransferRequest) -> bool:
    """Confirm or refuse: a reviewer or administrator governing the answering union."""
    return user is not None and user.can_review and _in_scope(user, tr.answering_union)


def _lock_transfer(tr: TransferRequest) -> TransferRequest:
    locked = (
        TransferRequest.objects.select_for_update()
        .select_related("member", "from_union", "to_union")
        .get(pk=tr.pk)
    )
    if locked.status != TransferStatus.REQUESTED:
        raise JoiningError(f"该转接申请已{locked.get_status_display()}，不能再办理")
    return locked


def _member_text(tr: TransferRequest, verdict: str) -> str:
    return f"【工会会籍转接】{tr.member.name}您好，您从「{tr.from_union.name}」转至「{tr.to_union.name}」的会籍转接{verdict}"


@transaction.atomic
def confirm_transfer(tr: TransferRequest, actor=None, auto: bool = False, note: str = "") -> TransferRequest:
    """The holding union confirms (or the deadline passed: ``auto``): 转出 and 转入 are written by
    ``members.services.transfer`` in this same transaction."""
    locked = _lock_transfer(tr)
    answering = locked.answering_union
    if not auto and not may_answer(actor, locked):
        raise JoiningError(f"只有「{answering.name}」（或其上级工会）可以确认该转接")
    try:
        membership.transfer(
            locked.member,
            locked.to_union,
            today(),
            actor=actor,
            reason=ChangeReason.JOB_CHANGE,
            workplace=locked.workplace,
            note=f"会籍转接申请 {locked.pk}",
        )
    except membership.MembershipError as exc:
        raise JoiningError(str(exc)) from None
    previous = locked.status
    locked.status = TransferStatus.AUTO_CONFIRMED if auto else TransferStatus.CONFIRMED
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    _transfer_event(locked, previous, actor, note or ("逾期未答复，系统自动确认" if auto else "确认转接"))
    if auto:
        audit.record(
            None,
            AuditEvent.Action.UPDATE,
            locked,
            detail=f"会籍转接答复期限 {locked.deadline:%Y-%m-%d} 已过，系统自动确认",
        )
    if locked.member.phone_enc:
        notify.queue(locked.member.phone, _member_text(locked, "已办理完成"), transfer=locked)
    return locked


@transaction.atomic
def refuse_transfer(tr: TransferRequest, actor, reason: str) -> TransferRequest:
    reason = (reason or "").strip()
    if not reason:
        raise JoiningError("请填写拒绝的原因")
    locked = _lock_transfer(tr)
    if not may_answer(actor, locked):
        raise JoiningError(f"只有「{locked.answering_union.name}」（或其上级工会）可以拒绝该转接")
    previous = locked.status
    locked.status = TransferStatus.REFUSED
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.refuse_reason = reason[:255]
    locked.save(update_fields=["status", "decided_at", "decided_by", "refuse_reason", "updated_at"])
    _transfer_event(locked, previous, actor, reason)
    if locked.member.phone_enc:
        notify.queue(locked.member.phone, _member_text(locked, f"未获同意，原因：{reason}"), transfer=locked)
    return locked


@transaction.atomic
def cancel_transfer(tr: TransferRequest, actor=None, note: str = "") -> TransferRequest:
    locked = _lock_transfer(tr)
    previous = locked.status
    locked.status = TransferStatus.CANCELLED
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    _transfer_event(locked, previous, actor, note or "撤销")
    return locked


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
