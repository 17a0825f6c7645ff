"""The database of holders (模范职工之家管理数据库): registering a past naming (a national home named by
全国总工会 in 2017, a provincial one named before the system existed) and correcting its naming details.

Titles named in a round are made by ``honours.rounds``; re-inspection, grants and pairings change titles
in their own services. Every step here is one transaction: the title, a :class:`TitleEvent` and an
audit row. Also here: the share of private enterprises among a set of holders (shown against the kind's
minimum share on the list page) and which union a subject hangs in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.scope import home_node
from gonghui.members.models import Member
from gonghui.orgs.models import UnionOrg, Workplace
from gonghui.regions.models import Region

from .kinds import next_inspection, share_ownerships
from .models import HonourKind, SubjectKind, Title, TitleEvent, TitleStatus

# A title that still counts: a holder may hold a kind only once while it is not revoked.
HELD = (TitleStatus.ACTIVE, TitleStatus.RECTIFYING)

SUBJECT_TYPES: dict[str, type] = {
    SubjectKind.UNION: UnionOrg,
    SubjectKind.WORKPLACE: Workplace,
    SubjectKind.PERSON: Member,
}
SUBJECT_FIELD = {SubjectKind.UNION: "union", SubjectKind.WORKPLACE: "workplace", SubjectKind.PERSON: "member"}


# The Chinese names of the steps other services record under a code (re-inspection, grants, pairings).
ACTION_LABELS = {
    "inspection_retained": "复查：保留",
    "inspection_rectify": "复查：限期整改",
    "inspection_revoked": "复查：撤销",
    "grant_approved": "批准补助",
    "grant_paid": "拨付补助",
    "pairing_started": "结对共建",
    "pairing_ended": "结束结对",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


# ---------------------------------------------------------------------- subjects
def subject_kind_of(subject) -> str | None:
    for kind, model in SUBJECT_TYPES.items():
        if isinstance(subject, model):
            return kind
    return None


def subject_node(subject) -> UnionOrg | None:
    """The union a subject hangs in: the union itself, the workplace's 属地工会, the member's union."""
    if isinstance(subject, UnionOrg):
        return subject
    if isinstance(subject, Workplace):
        return subject.governing_union
    if isinstance(subject, Member):
        return subject.union
    return None


def subject_ownership(subject) -> str:
    """The ownership (单位性质) of the subject's workplace: the one its covered workplaces share for a union,
    a member's workplace; '' when there is none (a federation, a member without a workplace)."""
    if isinstance(subject, Workplace):
        return subject.ownership or ""
    if isinstance(subject, UnionOrg):
        # As a nomination records it (rounds): the ownership its workplaces share, '' when they differ.
        owners = set(subject.workplaces.values_list("ownership", flat=True))
        return owners.pop() if len(owners) == 1 else ""
    if isinstance(subject, Member):
        return subject.workplace.ownership if subject.workplace_id else ""
    return ""


def subject_values(subject) -> dict:
    """The Subject fields of a Title (or Nomination) for ``subject``."""
    kind = subject_kind_of(subject)
    if kind is None:
        raise ValidationError("评选对象须是工会组织、单位或个人")
    return {
        "subject_kind": kind,
        SUBJECT_FIELD[kind]: subject,
        "node": subject_node(subject),
        "subject_name": subject.name,
        "ownership": subject_ownership(subject),
    }


def area_name(region) -> str:
    """芜湖市鸠江区: the city and county of a region (a town's region names its county and city)."""
    names, node = [], region
    while node is not None and node.level >= Region.Level.CITY:
        if node.level <= Region.Level.COUNTY:
            names.append(node.name)
        node = node.parent
    return "".join(reversed(names)) or region.name


# What a list of titles selects so that area_name() reads no further row.
AREA_RELATED = "node__region__parent__parent"


def subject_of(title: Title):
    return title.union or title.workplace or title.member or title.proposal


def held_by(subject) -> QuerySet[Title]:
    """Every title of a subject (revoked ones too), newest first."""
    kind = subject_kind_of(subject)
    if kind is None:
        return Title.objects.none()
    return Title.objects.filter(**{SUBJECT_FIELD[kind]: subject}).select_related("kind")


# ---------------------------------------------------------------------- dates
def may_register(user, node: UnionOrg | None) -> bool:
    """An editing user of a union at or above the subject's union."""
    own = home_node(user)
    return (
        own is not None
        and node is not None
        and bool(getattr(user, "can_edit", False))
        and node.path.startswith(own.path)
    )


def may_edit(user, title: Title) -> bool:
    """Naming details of a registered title (a round's titles follow their round)."""
    return title.round_id is None and may_register(user, title.node)


# ---------------------------------------------------------------------- services
@dataclass(frozen=True)
class Naming:
    """The naming details of a title: year, date, who named it, the document number."""

    year: int
    named_on: dt.date
    named_by: str
    document_number: str = ""


NAMING_LABELS = {
    "year": "命名年度",
    "named_on": "命名日期",
    "named_by": "命名单位",
    "document_number": "命名文号",
}


def _check_naming(naming: Naming) -> Naming:
    today = timezone.localdate()
    named_by = (naming.named_by or "").strip()
    if not named_by:
        raise ValidationError("请填写命名单位（如 全国总工会、安徽省总工会）")
    if not 1950 <= naming.year <= today.year:
        raise ValidationError(f"命名年度须在 1950 年至 {today.year} 年之间")
    if naming.named_on > today:
        raise ValidationError("命名日期不能晚于今天")
    if naming.named_on.year < naming.year:
        raise ValidationError(f"命名日期（{naming.named_on:%Y-%m-%d}）不能早于命名年度 {naming.year} 年")
    return Naming(naming.year, naming.named_on, named_by, (naming.document_number or "").strip())


def title_event(title: Title, actor, action: str, before: str = "", note: str = "") -> TitleEvent:
    return TitleEvent.objects.create(
        title=title,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_status=before,
        to_status=title.status,
        note=note,
    )


@transaction.atomic
def register_title(
    kind: HonourKind, subject, naming: Naming, *, actor=None, ip: str | None = None, note: str = ""
) -> Title:
    """登记荣誉: a past naming of ``subject`` (a union, a workplace or a member) with ``kind``.

    Refused: a subject of another type than the kind's, a subject outside the actor's subtree, a second
    title of the same kind the subject still holds (not revoked)."""
    expected = kind.subject
    if expected not in SUBJECT_TYPES:
        raise ValidationError(f"「{kind}」须通过评选命名，不能直接登记")
    if subject_kind_of(subject) != expected:
        raise ValidationError(f"「{kind}」的评选对象是{SubjectKind(expected).label}，所选对象类型不符")
    values = subject_values(subject)
    if actor is not None and not may_register(actor, values["node"]):
        raise PermissionDenied("只能为本单位及下级的工会组织、单位、个人登记荣誉")
    naming = _check_naming(naming)
    # Lock the subject's titles of this kind: two clerks registering the same naming at once.
    existing = (
        held_by(subject)
        .select_for_update(of=("self",))
        .filter(kind=kind, status__in=HELD)
        .order_by("year")
        .first()
    )
    if existing is not None:
        raise ValidationError(
            f"「{subject.name}」已有{existing.year}年命名的「{kind}」（{existing.get_status_display()}），"
            "不能重复登记"
        )
    title = Title.objects.create(
        kind=kind,
        year=naming.year,
        named_on=naming.named_on,
        named_by=naming.named_by,
        document_number=naming.document_number,
        next_inspection=next_inspection(kind, naming.named_on),
        **values,
    )
    detail = f"{naming.named_by}{naming.year}年命名" + (
        f"（{naming.document_number}）" if naming.document_number else ""
    )
    title_event(title, actor, "登记", "", "；".join(p for p in (detail, note.strip()) if p))
    audit.log(AuditEvent.Action.CREATE, title, actor=actor, ip=ip, detail=f"登记荣誉：{title}，{detail}")
    return title


@transaction.atomic
def update_naming(title: Title, naming: Naming, *, actor=None, ip: str | None = None) -> Title:
    """修改命名信息 of a registered title. The next re-inspection follows a new naming date until the
    first inspection has moved it on."""
    title = Title.objects.select_for_update(of=("self",)).select_related("kind", "node").get(pk=title.pk)
    if title.round_id is not None:
        raise ValidationError("由评选命名的荣誉，命名信息以评选为准，不能单独修改")
    if actor is not None and not may_register(actor, title.node):
        raise PermissionDenied("只能修改本单位及下级的荣誉")
    naming = _check_naming(naming)
    changed = []
    for name, label in NAMING_LABELS.items():
        value = getattr(naming, name)
        if getattr(title, name) != value:
            changed.append(f"{label}：{getattr(title, name) or '—'} → {value or '—'}")
            setattr(title, name, value)
    inspected = title.inspections.exclude(inspected_on=None).exists()
    if not inspected:
        title.next_inspection = next_inspection(title.kind, title.named_on)
    if changed:
        title.save()
    note = "；".join(changed) if changed else "内容未变"
    title_event(title, actor, "修改命名信息", title.status, note)
    audit.log(AuditEvent.Action.UPDATE, title, actor=actor, ip=ip, detail=f"修改命名信息：{note}")
    return title


@transaction.atomic
def revoke_title(title: Title, on: dt.date, reason: str, *, actor=None, ip: str | None = None) -> Title:
    """撤销 outside a 复查 (the namer withdraws a title after a serious violation); the 复查 path is
    ``reinspection.record_result``. The title stays, with the date and the reason."""
    title = Title.objects.select_for_update(of=("self",)).select_related("node").get(pk=title.pk)
    if actor is not None and not may_register(actor, title.node):
        raise PermissionDenied("只能撤销本单位及下级的荣誉")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("撤销荣誉须填写撤销原因")
    if title.status == TitleStatus.REVOKED:
        raise ValidationError("该荣誉已撤销")
    if on < title.named_on or on > timezone.localdate():
        raise ValidationError("撤销日期须在命名日期之后、不晚于今天")
    before = title.status
    title.status, title.revoked_on, title.revoked_reason = TitleStatus.REVOKED, on, reason[:500]
    title.next_inspection = title.rectify_until = None
    title.save()
    title_event(title, actor, "撤销", before, reason)
    audit.log(
        AuditEvent.Action.UPDATE, title, actor=actor, ip=ip, detail=f"撤销荣誉（{on:%Y-%m-%d}）：{reason}"
    )
    return title


# ---------------------------------------------------------------------- figures
@dataclass(frozen=True)
class Share:
    """The share of holders of some ownership among a set of holders, against a minimum when known."""

    label: str
    count: int
    total: int
    min_percent: float | None = None

    @property
    def percent(self) -> float | None:
        return round(self.count * 100 / self.total, 1) if self.total else None

    @property
    def below(self) -> bool:
        return self.min_percent is not None and self.percent is not None and self.percent < self.min_percent


def ownership_share(titles: QuerySet[Title], kind: HonourKind | None = None) -> list[Share]:
    """民营企业 (and any other share the kind requires) among ``titles``: counted over the holders, each
    against the kind's minimum. Without a kind: the private-enterprise share, no minimum."""
    wanted = [s for s in (kind.shares if kind is not None else []) if s.get("code")]
    if not wanted:
        wanted = [{"code": "private", "label": "民营企业", "min_percent": None}]
    total = titles.count()
    shares = []
    for spec in wanted:
        code = spec["code"]
        values = share_ownerships(code)
        count = titles.filter(ownership__in=values).count() if total else 0
        minimum = spec.get("min_percent")
        shares.append(
            Share(spec.get("label") or code, count, total, float(minimum) if minimum is not None else None)
        )
    return shares


def due_q(by: dt.date) -> Q:
    """Titles due for 复查 by ``by``: held, with a next inspection on or before it."""
    return Q(status__in=HELD, next_inspection__isnull=False, next_inspection__lte=by)
