"""Operations on training sessions and their rosters. Each is one transaction that changes the session
(its person-times kept equal to the head count or the roster's lines), writes a ``SessionEvent`` and an
audit row (``core.audit.log``). Views, the roster import and the demo call these; none touches a request.
``TrainingError`` carries the Chinese reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from gonghui.core import audit, crypto
from gonghui.core.models import AuditEvent
from gonghui.core.normalize import ResidentId
from gonghui.members.models import HELD_STATUSES, Member
from gonghui.orgs.models import UnionOrg

from .models import AttendanceMode, Attendee, SessionEvent, SessionStatus, TrainingSession


class TrainingError(Exception):
    """An operation the rules forbid; ``str(exc)`` is the Chinese reason."""


@dataclass(frozen=True)
class Person:
    resident_id: ResidentId
    name: str


def _event(
    session: TrainingSession, action: str, actor, note: str = "", old: str = "", new: str = ""
) -> None:
    SessionEvent.objects.create(
        session=session,
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=old,
        to_status=new,
        note=note,
    )


def _lock(session: TrainingSession) -> TrainingSession:
    return (
        TrainingSession.objects.select_for_update(of=("self",))
        .select_related("kind", "organiser")
        .get(pk=session.pk)
    )


def _recount(session: TrainingSession) -> None:
    """The person-times: the head count, or the roster's lines."""
    session.person_times = (
        session.attendees.count() if session.mode == AttendanceMode.ROSTER else session.headcount
    )
    session.save(update_fields=["person_times", "updated_at"])


def check_session(session: TrainingSession, today: dt.date | None = None) -> None:
    today = today or dt.date.today()
    if session.organiser.status != UnionOrg.Status.ACTIVE:
        raise TrainingError(
            f"「{session.organiser.name}」已{session.organiser.get_status_display()}，不能登记培训"
        )
    if session.end_date < session.start_date:
        raise TrainingError("结业日期不能早于开班日期")
    if session.end_date > today:
        raise TrainingError("结业日期不能晚于今天：培训结束后再登记")
    if not session.online and not session.place.strip():
        raise TrainingError("请填写培训地点，或选择线上培训")
    if not session.kind.is_active and session._state.adding:
        raise TrainingError(f"培训类别「{session.kind}」已停用")


@transaction.atomic
def save_session(
    session: TrainingSession, actor=None, changed: list[str] | None = None, ip: str | None = None
) -> TrainingSession:
    """登记 (new) or 修改 a session. Switching a session with a roster to a head count is refused (the
    roster would be left behind); the person-times follow the mode."""
    check_session(session)
    creating = session.pk is None
    if not creating:
        stored = _lock(session)
        if stored.status != SessionStatus.HELD:
            raise TrainingError("已撤销的培训班不能修改")
        if session.mode == AttendanceMode.COUNT and stored.attendees.exists():
            raise TrainingError("本期已有参训名单，不能改为按人数登记；请先移除名单中的人员")
    if session.mode == AttendanceMode.ROSTER:
        session.headcount = 0
    session.save()
    _recount(session)
    what = "、".join(changed or [])
    _event(session, "登记" if creating else "修改", actor, what, new=session.status)
    audit.log(
        AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
        session,
        actor=actor,
        ip=ip,
        detail=f"{session.kind}：{session.title}" if creating else what,
    )
    return session


@transaction.atomic
def set_headcount(
    session: TrainingSession, headcount: int, actor=None, ip: str | None = None
) -> TrainingSession:
    """登记人数 of a head-count session."""
    locked = _lock(session)
    if locked.status != SessionStatus.HELD:
        raise TrainingError("已撤销的培训班不能登记人数")
    if locked.mode != AttendanceMode.COUNT:
        raise TrainingError("本期按名单登记参训人员，人次由名单自动计算")
    if headcount < 0:
        raise TrainingError("参训人数不能为负数")
    old = locked.headcount
    locked.headcount = headcount
    locked.save(update_fields=["headcount", "updated_at"])
    _recount(locked)
    _event(locked, "登记人数", actor, f"{old} → {headcount} 人")
    audit.log(AuditEvent.Action.UPDATE, locked, actor=actor, ip=ip, detail=f"参训人数：{old} → {headcount}")
    return locked


def members_by_hash(hashes: list[str]) -> dict[str, Member]:
    """The held membership (在会/保留会籍) of each ID hash, one query: at most one per person."""
    rows = Member.objects.filter(id_hash__in=hashes, status__in=HELD_STATUSES).only("id", "name", "id_hash")
    return {m.id_hash: m for m in rows}


def build_attendee(session: TrainingSession, person: Person, member: Member | None) -> Attendee:
    attendee = Attendee(session=session, name=person.name, member=member)
    attendee.set_id_number(person.resident_id.number)
    return attendee


def name_mismatch(person: Person, member: Member | None) -> bool:
    """The ID found a member under another name: a mistyped ID, refused (the member's name is not said)."""
    return member is not None and member.name != person.name


MISMATCH = "该身份证号对应的会员姓名与所填姓名不一致，请核对身份证号和姓名"


def add_attendees(
    session: TrainingSession,
    people: list[Person],
    actor=None,
    ip: str | None = None,
    action: str = "增加参训人员",
) -> list[Attendee]:
    """Put people on a roster session's list: each found among the members by ID hash (never by a stored
    plaintext ID) and linked when held; a person not a member is kept as personal data (encrypted,
    masked). A person already on the list, or one whose ID names a member of another name, is refused."""
    with transaction.atomic():
        locked = _lock(session)
        if locked.status != SessionStatus.HELD:
            raise TrainingError("已撤销的培训班不能增加参训人员")
        if locked.mode != AttendanceMode.ROSTER:
            raise TrainingError("本期按人数登记，不能登记名单；如需名单请先把登记方式改为「按名单登记」")
        hashes = [crypto.lookup_hash("ric", p.resident_id.number) for p in people]
        members = members_by_hash(hashes)
        present = set(locked.attendees.filter(id_hash__in=hashes).values_list("id_hash", flat=True))
        made = []
        for person, id_hash in zip(people, hashes, strict=True):
            if id_hash in present:
                raise TrainingError(f"{person.name} 已在本期培训名单中")
            member = members.get(id_hash)
            if name_mismatch(person, member):
                raise TrainingError(f"{person.name}：{MISMATCH}")
            made.append(build_attendee(locked, person, member))
            present.add(id_hash)
        try:
            with transaction.atomic():
                Attendee.objects.bulk_create(made)
        except IntegrityError:
            raise TrainingError("名单中有人已在本期培训名单中，请刷新后重试") from None
        _recount(locked)
        non_members = sum(1 for a in made if a.member is None)
        note = f"{len(made)} 人" + (f"（其中非会员 {non_members} 人）" if non_members else "")
        if len(made) == 1:
            note = f"{made[0].name}（{made[0].id_masked}）" + ("，非会员" if non_members else "")
        _event(locked, action, actor, note)
        audit.log(AuditEvent.Action.UPDATE, locked, actor=actor, ip=ip, detail=f"{action}：{note}")
    return made


@transaction.atomic
def remove_attendee(attendee: Attendee, actor=None, ip: str | None = None) -> TrainingSession:
    locked = _lock(attendee.session)
    if locked.status != SessionStatus.HELD:
        raise TrainingError("已撤销的培训班不能修改名单")
    shown = f"{attendee.name}（{attendee.id_masked}）"
    Attendee.objects.filter(pk=attendee.pk, session=locked).delete()
    _recount(locked)
    _event(locked, "移除参训人员", actor, shown)
    audit.log(AuditEvent.Action.UPDATE, locked, actor=actor, ip=ip, detail=f"移除参训人员：{shown}")
    return locked


@transaction.atomic
def cancel(session: TrainingSession, actor=None, note: str = "", ip: str | None = None) -> TrainingSession:
    """撤销 a session recorded in error: it stays (with its roster) but counts no person-times and no
    cadre's training from then on."""
    locked = _lock(session)
    if locked.status != SessionStatus.HELD:
        raise TrainingError("该培训班已撤销")
    locked.status = SessionStatus.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    _event(locked, "撤销", actor, note, SessionStatus.HELD, SessionStatus.CANCELLED)
    audit.log(
        AuditEvent.Action.UPDATE, locked, actor=actor, ip=ip, detail="撤销" + (f"：{note}" if note else "")
    )
    return locked


__all__ = [
    "Person",
    "TrainingError",
    "add_attendees",
    "cancel",
    "remove_attendee",
    "save_session",
    "set_headcount",
]
