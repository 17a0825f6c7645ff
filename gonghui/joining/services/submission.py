"""The public application (网上入会): submit, and the status check by number and ID.

On PostgreSQL a submission is one statement: the application and its first event are inserted with the
membership and open-application checks inside the INSERT (``_insert_with_event``); only when that
writes nothing are the checks run one by one to say why.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from gonghui.core import crypto, hooks
from gonghui.core.normalize import ResidentId
from gonghui.members import services as membership
from gonghui.members.models import HELD_STATUSES, Member, NewFormGroup
from gonghui.orgs.models import Workplace
from gonghui.regions.models import Region

from .. import workdays
from ..models import OPEN_APPLICATION_EXISTS, OPEN_STATUSES, ApplicationEvent, JoinApplication
from ..routing import NoRoute, route
from .flow import APPLICANT, JoiningError

CONSENT_VERSION = "2026-2"  # 2026-2: adds 是否农民工 and the employer's name


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


class OpenApplicationRace(JoiningError):
    """The one-open-application-per-ID constraint refused the INSERT (a concurrent submission won)."""

    def __init__(self):
        super().__init__(OPEN_APPLICATION_EXISTS)


def identity_matches(record, name: str, phone: str) -> bool:
    """Name and phone typed by the applicant equal those on a member or application record: the
    only proof of identity a public page has, so the only case in which it reveals a membership."""
    return bool(phone) and record.name == name and record.phone_hash == crypto.lookup_hash("phone", phone)


def _new_number(on: dt.date) -> str:
    # Random rather than sequential: numbers cannot be enumerated and need no shared counter.
    return f"RH{on:%Y%m%d}{secrets.randbelow(1_000_000):06d}"


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
    # A membership in another province (the national roll-up's check, when configured) is refused at
    # once, naming that province only. A national instance that cannot be asked does not stop a
    # submission: an application makes no membership, and its approval (members.services.join) asks again.
    try:
        elsewhere = hooks.refusals("membership.admit", [data.resident_id.number])
    except hooks.CheckUnavailable:
        elsewhere = {}
    if elsewhere:
        raise ApplicationRefused(elsewhere[data.resident_id.number])
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
            with contextlib.suppress(OpenApplicationRace):  # the checks below say which one won
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
        raise ApplicationRefused(OPEN_APPLICATION_EXISTS)
    try:
        target = route(data.workplace, data.new_form_group, data.district)
    except NoRoute as exc:
        raise ApplicationRefused(str(exc)) from None
    app, event = _new_application(data, target, held_elsewhere=held_elsewhere)
    try:
        _insert_new(app, event)
    except OpenApplicationRace:
        raise ApplicationRefused(OPEN_APPLICATION_EXISTS) from None
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
    an open application. OpenApplicationRace when the one-open-application constraint refuses the row
    (a concurrent submission for the same ID committed first: NOT EXISTS cannot see uncommitted rows)."""
    day = timezone.localdate(app.submitted_at)
    for _attempt in range(5):
        app.number = _new_number(day)
        try:
            return _insert_with_event(app, event, unless_taken)
        except IntegrityError:
            if JoinApplication.objects.filter(number=app.number).exists():
                app.pk = None
                continue
            if find_open_application(app.id_hash) is not None:
                # Another submission for the same ID was written between the checks and this INSERT:
                # the partial unique index joining_one_open_application_per_id refused this one.
                app.pk = None
                raise OpenApplicationRace from None
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
def _column(field: models.Field | None) -> str:
    if (
        field is None or field.column is None
    ):  # only fields without a column of their own (many-to-many) have none
        raise TypeError(f"{field} has no column")
    return field.column


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
    app_pk, event_pk = qn(_column(JoinApplication._meta.pk)), qn(_column(ApplicationEvent._meta.pk))
    event_fk = qn(_column(ApplicationEvent.application.field))
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


def lookup_status(number: str, id_number: str) -> JoinApplication | None:
    """The public status check: both the number and the ID must match, or nothing is found."""
    return (
        JoinApplication.objects.select_related("routed_union")
        .filter(number=number.strip().upper(), id_hash=crypto.lookup_hash("ric", id_number))
        .first()
    )
