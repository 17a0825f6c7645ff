"""Operations on the union-staff register. Each is one transaction that changes the worker, writes a
``WorkerEvent`` and an audit row (``core.audit.log``, with the actor and client address). Views, the
import and the demo call these; none touches a request. ``StaffError`` carries the Chinese reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.normalize import ResidentId, normalize_phone
from gonghui.core.scope import covers
from gonghui.orgs.models import UnionOrg

from . import settings as people_settings
from .models import (
    SERVING_STATUSES,
    Appraisal,
    AppraisalGrade,
    Post,
    SubsidyGrade,
    UnionWorker,
    WorkerEvent,
    WorkerStatus,
)


class StaffError(Exception):
    """An operation the rules forbid; ``str(exc)`` is the Chinese reason."""


@dataclass
class Hire:
    resident_id: ResidentId
    name: str
    union: UnionOrg
    post: Post
    start_date: dt.date
    phone: str = ""
    employer: str = ""
    probation_end: dt.date | None = None
    grade: SubsidyGrade | None = None


def _event(
    worker: UnionWorker, action: str, date: dt.date, actor, old: str, new: str, note: str = ""
) -> None:
    WorkerEvent.objects.create(
        worker=worker,
        action=action,
        date=date,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=old,
        to_status=new,
        note=note,
    )


def already_registered_message(existing: UnionWorker, viewer) -> str:
    """Where the person is registered, named only to a viewer whose subtree holds that row."""
    if viewer is not None and covers(viewer, existing.union):
        return (
            f"该人员已在名册中（{existing.union.name}，{existing.post}，{existing.get_status_display()}），"
            "一人只登记一次；请在原记录上办理"
        )
    return "该人员已在您管辖范围以外的工会登记为工会工作者，一人只登记一次；如有调动请联系上级工会"


def build_worker(data: Hire) -> UnionWorker:
    rid = data.resident_id
    worker = UnionWorker(
        name=data.name,
        birth_date=rid.birth_date,
        sex=rid.sex,
        id_upgraded=rid.upgraded,
        union=data.union,
        post=data.post,
        employer=data.employer,
        start_date=data.start_date,
        probation_end=data.probation_end,
        grade=data.grade,
        status=WorkerStatus.PROBATION
        if data.probation_end and data.probation_end > data.start_date
        else WorkerStatus.ACTIVE,
    )
    worker.set_id_number(rid.number)
    if data.phone:
        worker.set_phone(normalize_phone(data.phone))
    return worker


def check_hire(data: Hire, today: dt.date | None = None) -> None:
    today = today or dt.date.today()
    if data.union.status != UnionOrg.Status.ACTIVE:
        raise StaffError(f"「{data.union.name}」已{data.union.get_status_display()}，不能聘用工会工作者")
    if data.start_date > today:
        raise StaffError("到岗日期不能晚于今天")
    birth = data.resident_id.birth_date
    age = (
        data.start_date.year
        - birth.year
        - ((data.start_date.month, data.start_date.day) < (birth.month, birth.day))
    )
    if age < 16:
        raise StaffError("到岗时未满 16 周岁，请核对身份证号和到岗日期")
    if data.probation_end is not None and data.probation_end < data.start_date:
        raise StaffError("试用期满日期不能早于到岗日期")
    if not data.post.is_active:
        raise StaffError(f"岗位「{data.post}」已停用")


def hire(data: Hire, actor=None, ip: str | None = None) -> UnionWorker:
    """聘用: a new row, its 聘用 event and the audit row. Refused when the person is on the register."""
    check_hire(data)
    worker = build_worker(data)
    try:
        with transaction.atomic():
            existing = (
                UnionWorker.objects.select_related("union", "post").filter(id_hash=worker.id_hash).first()
            )
            if existing is not None:
                raise StaffError(already_registered_message(existing, actor))
            worker.save()
            _event(
                worker, "聘用", data.start_date, actor, "", worker.status, f"{data.union.name}：{data.post}"
            )
            audit.log(
                AuditEvent.Action.CREATE,
                worker,
                actor=actor,
                ip=ip,
                detail=f"聘用：{data.union.name}，{data.post}",
            )
    except IntegrityError:
        existing = UnionWorker.objects.select_related("union", "post").filter(id_hash=worker.id_hash).first()
        if existing is None:
            raise
        raise StaffError(already_registered_message(existing, actor)) from None
    return worker


def _lock(worker: UnionWorker) -> UnionWorker:
    return (
        UnionWorker.objects.select_for_update(of=("self",))
        .select_related("union", "post", "grade")
        .get(pk=worker.pk)
    )


@transaction.atomic
def update_record(
    worker: UnionWorker,
    *,
    actor=None,
    phone: str = "",
    changed: list[str] | None = None,
    ip: str | None = None,
) -> UnionWorker:
    """Save the edited fields (not identity, status or grade: those change by their own steps)."""
    if phone:
        worker.set_phone(normalize_phone(phone))
    worker.save()
    what = "、".join(changed or [])
    _event(worker, "修改信息", dt.date.today(), actor, worker.status, worker.status, what)
    audit.log(AuditEvent.Action.UPDATE, worker, actor=actor, ip=ip, detail=what)
    return worker


@transaction.atomic
def pass_probation(
    worker: UnionWorker, date: dt.date, actor=None, note: str = "", ip: str | None = None
) -> UnionWorker:
    """转正: 试用 → 在岗 on ``date``."""
    locked = _lock(worker)
    if locked.status != WorkerStatus.PROBATION:
        raise StaffError(f"当前状态为「{locked.get_status_display()}」，不能办理转正")
    if date < locked.start_date:
        raise StaffError("转正日期不能早于到岗日期")
    if date > dt.date.today():
        raise StaffError("转正日期不能晚于今天")
    locked.status = WorkerStatus.ACTIVE
    locked.probation_end = date
    locked.save(update_fields=["status", "probation_end", "updated_at"])
    _event(locked, "转正", date, actor, WorkerStatus.PROBATION, WorkerStatus.ACTIVE, note)
    audit.log(AuditEvent.Action.UPDATE, locked, actor=actor, ip=ip, detail=f"试用期满转正（{date:%Y-%m-%d}）")
    return locked


@transaction.atomic
def change_grade(
    worker: UnionWorker, grade: SubsidyGrade, date: dt.date, actor=None, note: str = "", ip: str | None = None
) -> UnionWorker:
    """调整补贴档次."""
    locked = _lock(worker)
    if not locked.is_serving:
        raise StaffError("离岗人员不能调整补贴档次")
    if locked.grade_id == grade.pk:
        raise StaffError(f"补贴档次已是「{grade}」")
    if date > dt.date.today() or date < locked.start_date:
        raise StaffError("调整日期须在到岗日期与今天之间")
    old = str(locked.grade) if locked.grade else "未定档"
    locked.grade = grade
    locked.save(update_fields=["grade", "updated_at"])
    _event(
        locked,
        "调整补贴档次",
        date,
        actor,
        locked.status,
        locked.status,
        f"{old} → {grade}" + (f"；{note}" if note else ""),
    )
    audit.log(AuditEvent.Action.UPDATE, locked, actor=actor, ip=ip, detail=f"补贴档次：{old} → {grade}")
    return locked


@transaction.atomic
def leave(
    worker: UnionWorker, date: dt.date, actor=None, note: str = "", ip: str | None = None
) -> UnionWorker:
    """离岗 (resignation, contract ended, dismissal): the row stays, with its history and appraisals."""
    locked = _lock(worker)
    if not locked.is_serving:
        raise StaffError("该人员已离岗")
    if date < locked.start_date:
        raise StaffError("离岗日期不能早于到岗日期")
    if date > dt.date.today():
        raise StaffError("离岗日期不能晚于今天")
    old = locked.status
    locked.status, locked.left_on = WorkerStatus.LEFT, date
    locked.save(update_fields=["status", "left_on", "updated_at"])
    _event(locked, "离岗", date, actor, old, WorkerStatus.LEFT, note)
    audit.log(
        AuditEvent.Action.UPDATE,
        locked,
        actor=actor,
        ip=ip,
        detail=f"离岗（{date:%Y-%m-%d}）" + (f"：{note}" if note else ""),
    )
    return locked


# ---------------------------------------------------------------------------------------- appraisal


@dataclass(frozen=True)
class TopGradeRoom:
    appraiser: UnionOrg
    year: int
    share: int  # percent
    participants: int  # workers the appraiser appraises that year
    allowed: int
    used: int

    @property
    def left(self) -> int:
        return max(self.allowed - self.used, 0)


def participants(appraiser: UnionOrg, year: int) -> int:
    """参加考核人数: the workers of the appraiser's subtree who served in the year (started by its end, not
    left before its start), or the appraisals already given, if more."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    serving = (
        UnionWorker.objects.filter(union__path__startswith=appraiser.path, start_date__lte=end)
        .exclude(left_on__lt=start)
        .count()
    )
    given = Appraisal.objects.filter(appraiser=appraiser, year=year).count()
    return max(serving, given)


def top_grade_room(appraiser: UnionOrg, year: int, exclude_worker: int | None = None) -> TopGradeRoom:
    share = people_settings.top_share(appraiser)
    count = participants(appraiser, year)
    used = Appraisal.objects.filter(appraiser=appraiser, year=year, grade__is_top=True)
    if exclude_worker is not None:
        used = used.exclude(worker_id=exclude_worker)
    # Rounded down: 「不超过」 the share (a union of four appraising at 20 % has no 优秀 place).
    return TopGradeRoom(appraiser, year, share, count, count * share // 100, used.count())


def appraise(
    worker: UnionWorker,
    year: int,
    grade: AppraisalGrade,
    appraiser: UnionOrg,
    actor=None,
    note: str = "",
    ip: str | None = None,
) -> Appraisal:
    """年度考核: record (or correct) the worker's grade for the year. The top grade is refused when the
    appraiser's places for that year are taken (the figures in the reason)."""
    if not worker.union.path.startswith(appraiser.path):
        raise StaffError(f"考核工会须为「{worker.union.name}」或其上级工会")
    if year > dt.date.today().year:
        raise StaffError("考核年度不能晚于今年")
    if worker.start_date.year > year:
        raise StaffError(f"该人员 {worker.start_date:%Y-%m-%d} 到岗，{year} 年度不在岗，不能考核")
    if not grade.is_active:
        raise StaffError(f"考核等次「{grade}」已停用")
    with transaction.atomic():
        # One appraising union's grades are written one at a time: the cap is counted under this lock.
        UnionOrg.objects.select_for_update().filter(pk=appraiser.pk).first()
        existing = Appraisal.objects.select_for_update().filter(worker=worker, year=year).first()
        if grade.is_top:
            room = top_grade_room(appraiser, year, exclude_worker=worker.pk)
            if room.used >= room.allowed:
                raise StaffError(
                    f"「{appraiser.name}」{year} 年度参加考核 {room.participants} 人，「{grade}」比例上限 {room.share}%，"
                    f"最多 {room.allowed} 人，已评定 {room.used} 人，不能再评定「{grade}」"
                )
        if existing is None:
            appraisal = Appraisal.objects.create(
                worker=worker, year=year, grade=grade, appraiser=appraiser, note=note
            )
            detail = f"{year} 年度考核：{grade}（{appraiser.name}）"
        else:
            old = existing.grade
            existing.grade, existing.appraiser, existing.note = grade, appraiser, note
            existing.save(update_fields=["grade", "appraiser", "note"])
            appraisal = existing
            detail = f"{year} 年度考核更正：{old} → {grade}（{appraiser.name}）"
        _event(worker, "年度考核", dt.date.today(), actor, worker.status, worker.status, detail)
        audit.log(AuditEvent.Action.UPDATE, worker, actor=actor, ip=ip, detail=detail)
    return appraisal


def serving_on(day: dt.date):
    """Rows serving on ``day`` (started by it, not left by it)."""
    from django.db.models import Q

    return Q(start_date__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gt=day))


__all__ = [
    "SERVING_STATUSES",
    "Hire",
    "StaffError",
    "appraise",
    "change_grade",
    "hire",
    "leave",
    "pass_probation",
]
