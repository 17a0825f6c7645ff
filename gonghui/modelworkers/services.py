"""Operations on the model-worker register. Each is one transaction that changes the rows, writes a
``ModelWorkerEvent`` (per person concerned) and an audit row (``core.audit.log``, with actor and client
address). Views, the import and the demo call these; none touches a request. ``RegisterError`` carries the
Chinese reason."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.normalize import ResidentId, normalize_phone
from gonghui.core.scope import covers
from gonghui.honours.models import Level
from gonghui.orgs.models import UnionOrg

from .models import ModelWorker, ModelWorkerEvent, Service, ServiceKind, Studio, Title, TitleKind


class RegisterError(Exception):
    """An operation the rules forbid; ``str(exc)`` is the Chinese reason."""


@dataclass
class Person:
    resident_id: ResidentId
    name: str
    union: UnionOrg
    phone: str = ""
    workplace: str = ""
    industry: str = ""
    position: str = ""
    note: str = ""


@dataclass
class TitleData:
    kind: TitleKind
    level: str
    year: int
    document_no: str = ""
    awarded_by: str = ""


def _event(person: ModelWorker, action: str, date: dt.date, actor, note: str = "") -> None:
    ModelWorkerEvent.objects.create(
        person=person,
        action=action,
        date=date,
        actor=actor if getattr(actor, "pk", None) else None,
        note=note,
    )


def already_registered_message(existing: ModelWorker, viewer) -> str:
    """Where the person is kept, named only to a viewer whose subtree holds that row."""
    if viewer is not None and covers(viewer, existing.union):
        return f"该人员已在劳模工匠人才库中（{existing.union.name}），一人只登记一次；请在原记录上添加称号"
    return "该人员已由您管辖范围以外的工会登记在劳模工匠人才库中，一人只登记一次；请联系上级工会"


def check_union(union: UnionOrg) -> None:
    if union.status != UnionOrg.Status.ACTIVE:
        raise RegisterError(f"「{union.name}」已{union.get_status_display()}，不能登记人员")


def check_title(data: TitleData, today: dt.date | None = None) -> None:
    today = today or dt.date.today()
    if data.year > today.year:
        raise RegisterError(f"授予年度 {data.year} 晚于今年")
    if data.level not in Level.values:
        raise RegisterError("级别须为 全国、省级、市级、县级 之一")
    if not data.kind.is_active:
        raise RegisterError(f"称号类别「{data.kind}」已停用")


def build_person(data: Person) -> ModelWorker:
    rid = data.resident_id
    person = ModelWorker(
        name=data.name,
        birth_date=rid.birth_date,
        sex=rid.sex,
        id_upgraded=rid.upgraded,
        union=data.union,
        workplace=data.workplace,
        industry=data.industry,
        position=data.position,
        note=data.note,
    )
    person.set_id_number(rid.number)
    if data.phone:
        person.set_phone(normalize_phone(data.phone))
    return person


def register(
    data: Person, titles: Sequence[TitleData] = (), actor=None, ip: str | None = None
) -> ModelWorker:
    """登记: a new person with the titles given, their events and the audit row. Refused when the person
    is already on the register (one ID hash, one row)."""
    check_union(data.union)
    for title in titles:
        check_title(title)
    person = build_person(data)
    try:
        with transaction.atomic():
            existing = ModelWorker.objects.select_related("union").filter(id_hash=person.id_hash).first()
            if existing is not None:
                raise RegisterError(already_registered_message(existing, actor))
            person.save()
            _event(person, "登记", dt.date.today(), actor, data.union.name)
            audit.log(AuditEvent.Action.CREATE, person, actor=actor, ip=ip, detail=f"登记：{data.union.name}")
            for title in titles:
                _add_title(person, title, actor, ip)
    except IntegrityError:
        existing = ModelWorker.objects.select_related("union").filter(id_hash=person.id_hash).first()
        if existing is None:
            raise
        raise RegisterError(already_registered_message(existing, actor)) from None
    return person


@transaction.atomic
def update_record(
    person: ModelWorker,
    *,
    actor=None,
    phone: str = "",
    changed: list[str] | None = None,
    ip: str | None = None,
) -> ModelWorker:
    """Save the edited fields (not the identity: a wrong ID is a new record)."""
    if phone:
        person.set_phone(normalize_phone(phone))
    person.save()
    what = "、".join(changed or [])
    _event(person, "修改信息", dt.date.today(), actor, what)
    audit.log(AuditEvent.Action.UPDATE, person, actor=actor, ip=ip, detail=what)
    return person


def _add_title(person: ModelWorker, data: TitleData, actor, ip) -> Title:
    if Title.objects.filter(person=person, kind=data.kind, level=data.level, year=data.year).exists():
        raise RegisterError(f"该人员已有 {data.year} 年{Level(data.level).label}「{data.kind}」称号")
    title = Title.objects.create(
        person=person,
        kind=data.kind,
        level=data.level,
        year=data.year,
        document_no=data.document_no,
        awarded_by=data.awarded_by,
    )
    _event(
        person,
        "授予称号",
        dt.date.today(),  # the day it was recorded: the award has a year, not a day
        actor,
        f"{title}{'（' + data.document_no + '）' if data.document_no else ''}",
    )
    # Audited as the title's own row (the person's audit trail is its events): who entered which title.
    audit.log(AuditEvent.Action.CREATE, title, actor=actor, ip=ip, detail=f"授予称号：{person.name}，{title}")
    return title


@transaction.atomic
def add_title(person: ModelWorker, data: TitleData, actor=None, ip: str | None = None) -> Title:
    """授予称号: one more title (the same kind, level and year only once)."""
    check_title(data)
    locked = ModelWorker.objects.select_for_update().get(pk=person.pk)
    return _add_title(locked, data, actor, ip)


@transaction.atomic
def remove_title(title: Title, actor=None, ip: str | None = None) -> None:
    """撤销称号 (a title entered by mistake, or revoked by the awarding body)."""
    person, shown = title.person, str(title)
    audit.log(AuditEvent.Action.DELETE, title, actor=actor, ip=ip, detail=f"撤销称号：{person.name}，{shown}")
    title.delete()
    _event(person, "撤销称号", dt.date.today(), actor, shown)


@transaction.atomic
def record_service(
    person: ModelWorker,
    kind: ServiceKind,
    date: dt.date,
    actor=None,
    amount: Decimal | None = None,
    note: str = "",
    ip: str | None = None,
) -> Service:
    """登记服务: one 疗休养 / 体检 / 劳模贷 on a date."""
    if date > dt.date.today():
        raise RegisterError("服务日期不能晚于今天")
    if not kind.is_active:
        raise RegisterError(f"服务项目「{kind}」已停用")
    if amount is not None and amount < 0:
        raise RegisterError("金额不能为负数")
    if Service.objects.filter(person=person, kind=kind, date=date).exists():
        raise RegisterError(f"该人员 {date:%Y-%m-%d} 已有「{kind}」记录")
    service = Service.objects.create(person=person, kind=kind, date=date, amount=amount, note=note)
    _event(person, str(kind), date, actor, note)
    audit.log(
        AuditEvent.Action.CREATE,
        service,
        actor=actor,
        ip=ip,
        detail=f"{person.name}：{kind}（{date:%Y-%m-%d}）",
    )
    return service


# ------------------------------------------------------------------------------------------- studios


def check_studio(studio: Studio, members: list[ModelWorker]) -> None:
    """Members lie in the keeping union's subtree (so whoever sees the studio sees them); the leader is
    one of them."""
    outside = [m.name for m in members if not m.union.path.startswith(studio.union.path)]
    if outside:
        raise RegisterError(f"{'、'.join(outside)} 不在「{studio.union.name}」管理范围内，不能作为工作室成员")
    if studio.leader_id and studio.leader_id not in {m.pk for m in members}:
        raise RegisterError("领衔人须为工作室成员")


@transaction.atomic
def save_studio(
    studio: Studio, members: list[ModelWorker], actor=None, ip: str | None = None, changed: str = ""
) -> Studio:
    """Create or edit a studio with its members; a person joining or leaving gets an event."""
    check_studio(studio, members)
    creating = studio.pk is None
    before = set() if creating else set(studio.members.values_list("pk", flat=True))
    studio.save()
    studio.members.set(members)
    after = {m.pk: m for m in members}
    today = dt.date.today()
    for pk in after.keys() - before:
        _event(after[pk], "加入工作室", today, actor, studio.name)
    for person in ModelWorker.objects.filter(pk__in=before - after.keys()):
        _event(person, "退出工作室", today, actor, studio.name)
    audit.log(
        AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
        studio,
        actor=actor,
        ip=ip,
        detail=f"命名：{studio.get_level_display()}（{studio.founded_year}）" if creating else changed,
    )
    return studio


# ------------------------------------------------------------------------------------------ figures


def service_counts(services_qs) -> tuple[list[int], list[tuple[ServiceKind, dict[int, int]]]]:
    """Person-times per year and kind of the (scoped, filtered) services: the years (newest first) and
    for each kind its counts by year."""
    rows = services_qs.annotate(y=ExtractYear("date")).values("y", "kind").annotate(n=Count("pk")).order_by()
    by_kind: dict[int, dict[int, int]] = defaultdict(dict)
    years: set[int] = set()
    for row in rows:
        by_kind[row["kind"]][row["y"]] = row["n"]
        years.add(row["y"])
    kinds = list(ServiceKind.objects.filter(Q(pk__in=by_kind.keys()) | Q(is_active=True)))
    return sorted(years, reverse=True), [(k, by_kind.get(k.pk, {})) for k in kinds]


def new_studios_by_year(studios_qs, level: str = Level.CITY) -> list[tuple[int, int]]:
    """(year, studios named that year) at a level, newest first: 「每年新命名市级工作室 10 个」."""
    rows = (
        studios_qs.filter(level=level)
        .values("founded_year")
        .annotate(n=Count("pk"))
        .order_by("-founded_year")
    )
    return [(r["founded_year"], r["n"]) for r in rows]
