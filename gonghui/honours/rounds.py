"""Selection rounds (评选) and their nominations (推荐): every step a service, one transaction writing the
row, a :class:`NominationEvent` and an audit row.

The path of a nomination: a unit under the round's issuer recommends a subject of its own subtree
(草稿, at itself) → submits it to its parent (待审核 at the parent) → each level forwards it one level up
(推荐上报) or rejects it with a reason, until it waits at the issuer → the issuer selects it (拟命名) →
公示 → 命名: each selected nomination becomes a :class:`Title`.

Rules checked when a level forwards:

- quota: the nominations a unit has sent up (still in play above it) may not exceed the quota of its
  ancestor directly under the issuer (``RoundQuota``; without one, the round's quota) — refused, with
  the figures. The issuer's selection may not exceed the round's quota (default: the kind's per year).
- shares (民营企业 ≥ 50 %): below the minimum is a warning (:class:`ShareWarning`) the forwarder must
  acknowledge (``acknowledge_shares=True``); the acknowledgement is written in the event.

The automatic criteria are judged as of the round's ``criteria_date`` when the nomination is made and
frozen on it (``criteria``): neither a later edit of the registry nor of the kind changes what was judged.
``on`` (the day a step is taken, default today) lets the demo replay a past round; pages never pass it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.scope import home_node
from gonghui.core.uploads import CheckedUpload
from gonghui.members.models import Member
from gonghui.orgs.models import UnionOrg, Workplace

from . import criteria as criteria_registry
from .kinds import may_issue, next_inspection, share_ownerships
from .models import (
    HonourKind,
    Level,
    Nomination,
    NominationEvent,
    NominationEvidence,
    NominationStatus,
    Proposal,
    Round,
    RoundQuota,
    RoundStatus,
    SubjectKind,
    Title,
    TitleEvent,
    TitleStatus,
)

# A subject has one nomination per round that is not withdrawn: a rejected one stays (its reason is the
# round's answer; a unit cannot send the same subject up again), a withdrawn one may be made anew.
BLOCKING = (
    NominationStatus.DRAFT,
    NominationStatus.PENDING,
    NominationStatus.SELECTED,
    NominationStatus.NAMED,
    NominationStatus.REJECTED,
)
# In play above the unit that sent it (counts against that unit's quota).
IN_PLAY = (NominationStatus.PENDING, NominationStatus.SELECTED, NominationStatus.NAMED)
DOCUMENT_NUMBER = re.compile(r"^\S+〔\d{4}〕\d+号$")
READ_ONLY = "您的角色只能查看，不能修改"


class ShareWarning(ValidationError):
    """A share below its minimum: the step goes ahead only when the user acknowledges it."""


# ---------------------------------------------------------------------- who may do what
def _node(user) -> UnionOrg | None:
    return home_node(user)


def _editor(user) -> UnionOrg:
    """The acting user's node; refused for a user without one or without the right to edit."""
    node = _node(user)
    if node is None:
        raise PermissionDenied("您的账号未关联工会组织，不能办理评选")
    if not getattr(user, "can_edit", False):
        raise PermissionDenied(READ_ONLY)
    return node


def visible_rounds(user) -> QuerySet[Round]:
    """The rounds a user sees (``Round.objects.visible_to``: their subtree's and those above them)."""
    return Round.objects.visible_to(user)


def may_nominate(user, round_: Round) -> bool:
    node = _node(user)
    return (
        node is not None
        and bool(getattr(user, "can_edit", False))
        and round_.status == RoundStatus.OPEN
        and node.pk != round_.issuer_id
        and node.path.startswith(round_.issuer.path)
    )


def may_manage_round(user, round_: Round) -> bool:
    node = _node(user)
    return node is not None and bool(getattr(user, "can_edit", False)) and node.pk == round_.issuer_id


def is_nominator(user, nomination: Nomination) -> bool:
    node = _node(user)
    return (
        node is not None and bool(getattr(user, "can_edit", False)) and node.pk == nomination.nominated_by_id
    )


def is_reviewer(user, nomination: Nomination) -> bool:
    """The unit the nomination waits at (pending there), or the issuer for a selected one."""
    node = _node(user)
    if node is None or not getattr(user, "can_edit", False):
        return False
    if nomination.status == NominationStatus.PENDING:
        return node.pk == nomination.at_unit_id
    if nomination.status == NominationStatus.SELECTED:
        return node.pk == nomination.round.issuer_id
    return False


# ---------------------------------------------------------------------- events
def _event(nomination: Nomination, actor, action: str, before: str, note: str = "", unit=None) -> None:
    NominationEvent.objects.create(
        nomination=nomination,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_status=before,
        to_status=nomination.status,
        note=note,
        unit=unit,
    )


def _step(nomination: Nomination, actor, action: str, before: str, note: str, ip, unit=None) -> None:
    _event(nomination, actor, action, before, note, unit)
    detail = f"{action}：{nomination.subject_name}" + (f"（{note}）" if note else "")
    audit.log(AuditEvent.Action.UPDATE, nomination, actor=actor, ip=ip, detail=detail[:500])


def _locked_round(round_: Round) -> Round:
    return Round.objects.select_for_update(of=("self",)).select_related("kind", "issuer").get(pk=round_.pk)


def _locked(nomination: Nomination) -> Nomination:
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("round__kind", "round__issuer", "nominated_by", "at_unit")
        .get(pk=nomination.pk)
    )


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


# ---------------------------------------------------------------------- rounds
@transaction.atomic
def create_round(
    *,
    actor,
    kind: HonourKind,
    year: int,
    title: str,
    criteria_date: dt.date,
    deadline: dt.date,
    quota: int | None = None,
    note: str = "",
    issuer: UnionOrg | None = None,
    ip: str | None = None,
) -> Round:
    """A new round of ``kind`` issued by the user's union (``issuer`` only for the system: the demo)."""
    if actor is not None and getattr(actor, "pk", None):
        issuer = _editor(actor)
    if issuer is None:
        raise ValidationError("请指定评选单位")
    if not kind.is_active:
        raise ValidationError(f"荣誉类型「{kind.name}」已停用，不能发起评选")
    if not may_issue(kind.level, issuer):
        if kind.level == Level.NATIONAL:
            raise ValidationError(
                f"「{kind.name}」由全国总工会命名，系统内不能发起该评选，可登记历年命名结果"
            )
        raise ValidationError(
            f"「{kind.name}」是{kind.get_level_display()}荣誉，{issuer.name}（{issuer.get_kind_display()}）不能发起该评选"
        )
    this_year = timezone.localdate().year
    if not 2000 <= year <= this_year + 1:
        raise ValidationError(f"评选年度应在 2000 年至 {this_year + 1} 年之间")
    if deadline < criteria_date:
        raise ValidationError("推荐截止日期不能早于条件核定日期")
    if not title.strip():
        raise ValidationError("请填写评选名称")
    if (
        Round.objects.filter(kind=kind, issuer=issuer, year=year)
        .exclude(status=RoundStatus.CANCELLED)
        .exists()
    ):
        raise ValidationError(f"{issuer.name}{year}年已有「{kind.name}」评选")
    round_ = Round.objects.create(
        kind=kind,
        issuer=issuer,
        year=year,
        title=title.strip(),
        criteria_date=criteria_date,
        deadline=deadline,
        quota=quota if quota is not None else kind.quota_per_year,
        note=note.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    detail = f"发起评选：{round_.title}，推荐截止 {deadline:%Y-%m-%d}"
    audit.log(AuditEvent.Action.CREATE, round_, actor=actor, ip=ip, detail=detail)
    return round_


@transaction.atomic
def set_quotas(
    round_: Round, quotas: Mapping[UnionOrg, int], *, actor, ip: str | None = None
) -> list[RoundQuota]:
    """名额分配: the quotas of the issuer's direct sub-units (replacing any earlier allocation); a unit
    with 0 or no entry has none."""
    round_ = _locked_round(round_)
    if actor is not None and getattr(actor, "pk", None) and not may_manage_round(actor, round_):
        raise PermissionDenied("只有评选单位可以分配名额")
    if round_.status != RoundStatus.OPEN:
        raise ValidationError("评选已进入公示或已命名，不能再分配名额")
    rows = []
    for unit, n in quotas.items():
        if unit.parent_id != round_.issuer_id:
            raise ValidationError(f"{unit.name}不是{round_.issuer.name}的直属下级单位，不能分配名额")
        if n is None or n < 0:
            raise ValidationError(f"{unit.name}的名额应为不小于 0 的整数")
        if n:
            rows.append(RoundQuota(round=round_, unit=unit, quota=n))
    total = sum(r.quota for r in rows)
    if round_.quota is not None and total > round_.quota:
        raise ValidationError(f"分配名额合计 {total} 个，超过本次评选名额 {round_.quota} 个")
    RoundQuota.objects.filter(round=round_).delete()
    RoundQuota.objects.bulk_create(rows)
    detail = "分配名额：" + ("、".join(f"{r.unit.name} {r.quota}" for r in rows) or "无")
    audit.log(AuditEvent.Action.UPDATE, round_, actor=actor, ip=ip, detail=detail[:500])
    return rows


# ---------------------------------------------------------------------- nominating
def _subject_fields(
    kind: HonourKind,
    union: UnionOrg | None,
    workplace: Workplace | None,
    member: Member | None,
    proposal: Proposal | None,
) -> dict:
    given = {
        SubjectKind.UNION: union,
        SubjectKind.WORKPLACE: workplace,
        SubjectKind.PERSON: member,
        SubjectKind.PROPOSAL: proposal,
    }
    chosen = [k for k, v in given.items() if v is not None]
    if len(chosen) != 1:
        raise ValidationError(f"请选择一个推荐对象（{kind.get_subject_display()}）")
    if chosen[0] != kind.subject:
        raise ValidationError(
            f"「{kind.name}」的评选对象是{kind.get_subject_display()}，不能推荐{SubjectKind(chosen[0]).label}"
        )
    if union is not None:
        if union.status != UnionOrg.Status.ACTIVE:
            raise ValidationError(f"{union.name}已{union.get_status_display()}，不能推荐")
        owners = {w.ownership for w in union.workplaces.all()}
        return dict(
            node=union,
            union=union,
            subject_name=union.name,
            ownership=owners.pop() if len(owners) == 1 else "",
        )
    if workplace is not None:
        if workplace.closed_on is not None:
            raise ValidationError(f"{workplace.name}已注销，不能推荐")
        return dict(
            node=workplace.governing_union,
            workplace=workplace,
            subject_name=workplace.name,
            ownership=workplace.ownership,
        )
    if member is not None:
        if not member.is_held:
            raise ValidationError(f"{member.name}不在会，不能推荐")
        return dict(
            node=member.union,
            member=member,
            subject_name=member.name,
            ownership=member.workplace.ownership if member.workplace_id else "",
        )
    assert proposal is not None
    return dict(
        node=proposal.node,
        proposal=proposal,
        subject_name=proposal.title,
        ownership=proposal.workplace.ownership,
    )


@transaction.atomic
def nominate(
    round_: Round,
    *,
    actor,
    union: UnionOrg | None = None,
    workplace: Workplace | None = None,
    member: Member | None = None,
    proposal: Proposal | None = None,
    summary: str = "",
    nominated_by: UnionOrg | None = None,
    on: dt.date | None = None,
    ip: str | None = None,
) -> Nomination:
    """推荐: a subject of the user's subtree recommended in the round (草稿, at the user's unit), with the
    automatic criteria judged as of the round's date and frozen. ``nominated_by`` only for the system."""
    round_ = _locked_round(round_)
    if actor is not None and getattr(actor, "pk", None):
        nominated_by = _editor(actor)
    if nominated_by is None:
        raise ValidationError("请指定推荐单位")
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(f"「{round_.title}」已{round_.get_status_display()}，不能再推荐")
    if _today(on) > round_.deadline:
        raise ValidationError(f"推荐截止日期（{round_.deadline:%Y-%m-%d}）已过，不能再推荐")
    if nominated_by.pk == round_.issuer_id:
        raise PermissionDenied("评选单位不推荐本次评选的对象，请由下级单位推荐")
    if not nominated_by.path.startswith(round_.issuer.path):
        raise PermissionDenied(f"{nominated_by.name}不在{round_.issuer.name}的管辖范围内，不能参加本次评选")
    fields = _subject_fields(round_.kind, union, workplace, member, proposal)
    if not fields["node"].path.startswith(nominated_by.path):
        raise PermissionDenied(f"「{fields['subject_name']}」不在{nominated_by.name}的管辖范围内，不能推荐")
    subject_key = {k: fields[k] for k in ("union", "workplace", "member", "proposal") if k in fields}
    if round_.nominations.filter(status__in=BLOCKING, **subject_key).exists():
        raise ValidationError(f"「{fields['subject_name']}」已在本次评选中推荐，不能重复推荐")
    nomination = Nomination(
        round=round_,
        subject_kind=round_.kind.subject,
        nominated_by=nominated_by,
        at_unit=nominated_by,
        status=NominationStatus.DRAFT,
        summary=summary.strip(),
        criteria_as_of=round_.criteria_date,
        **fields,
    )
    nomination.criteria = criteria_registry.evaluate(round_.kind, nomination, round_.criteria_date)
    nomination.save()
    tally = criteria_registry.summary(nomination.criteria)
    note = f"条件核定（{round_.criteria_date:%Y-%m-%d}）：符合 {tally['passed']} 项，不符合 {tally['failed']} 项，待审核 {tally['manual']} 项"
    _event(nomination, actor, "推荐", "", note, nominated_by)
    audit.log(
        AuditEvent.Action.CREATE,
        nomination,
        actor=actor,
        ip=ip,
        detail=f"推荐：{nomination.subject_name}（{round_.title}）",
    )
    return nomination


@transaction.atomic
def add_evidence(
    nomination: Nomination, upload: CheckedUpload, *, actor, criterion: str = "", ip: str | None = None
) -> NominationEvidence:
    """佐证材料: a checked file (``core.uploads.check_upload``), sealed; by the nominating unit while it is a
    draft, or by the unit it waits at."""
    nomination = _locked(nomination)
    node = _editor(actor) if getattr(actor, "pk", None) else None
    if node is not None and not (
        (nomination.status == NominationStatus.DRAFT and node.pk == nomination.nominated_by_id)
        or (nomination.status == NominationStatus.PENDING and node.pk == nomination.at_unit_id)
    ):
        raise PermissionDenied("只有推荐单位（草稿）或当前审核单位可以上传佐证材料")
    if nomination.status not in (NominationStatus.DRAFT, NominationStatus.PENDING):
        raise ValidationError(f"推荐对象已{nomination.get_status_display()}，不能再上传佐证材料")
    codes = {c["code"] for c in nomination.criteria if c.get("source") == "evidence"}
    if criterion and criterion not in codes:
        raise ValidationError("所选条件不是需要佐证材料的评选条件")
    evidence = NominationEvidence(
        nomination=nomination,
        criterion=criterion,
        name=upload.name,
        size=upload.size,
        content_type=upload.content_type,
        sha256=upload.sha256,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    evidence.file.save(upload.name, upload.file, save=False)
    evidence.save()
    label = next((c["label"] for c in nomination.criteria if c["code"] == criterion), "")
    _step(
        nomination,
        actor,
        "上传佐证",
        nomination.status,
        upload.name + (f"（{label}）" if label else ""),
        ip,
        node,
    )
    return evidence


@transaction.atomic
def submit(
    nomination: Nomination,
    *,
    actor,
    acknowledge_shares: bool = False,
    on: dt.date | None = None,
    ip: str | None = None,
) -> Nomination:
    """报送: the nominating unit sends its draft to its parent (待审核 there) — its first sending up, so
    the quota and shares are checked as when a level forwards."""
    nomination = _locked(nomination)
    if getattr(actor, "pk", None) and not is_nominator(actor, nomination):
        raise PermissionDenied("只有推荐单位可以报送")
    if nomination.status != NominationStatus.DRAFT:
        raise ValidationError(f"推荐对象已{nomination.get_status_display()}，不能再报送")
    round_ = nomination.round
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(f"「{round_.title}」已{round_.get_status_display()}，不能再报送")
    if _today(on) > round_.deadline:
        raise ValidationError(f"推荐截止日期（{round_.deadline:%Y-%m-%d}）已过，不能再报送")
    unit = nomination.nominated_by
    note = _check_sending(round_, unit, [nomination], acknowledge_shares)
    before = nomination.status
    parent = unit.parent
    nomination.status, nomination.at_unit = NominationStatus.PENDING, parent
    nomination.save(update_fields=["status", "at_unit", "updated_at"])
    text = f"报送{parent.name}审核" + (f"；{note}" if note else "")
    _step(nomination, actor, "报送", before, text, ip, unit)
    return nomination


@transaction.atomic
def withdraw(nomination: Nomination, *, actor, reason: str = "", ip: str | None = None) -> Nomination:
    """撤回: the nominating unit takes back its nomination while nobody above has selected it."""
    nomination = _locked(nomination)
    if getattr(actor, "pk", None) and not is_nominator(actor, nomination):
        raise PermissionDenied("只有推荐单位可以撤回")
    if nomination.status not in (NominationStatus.DRAFT, NominationStatus.PENDING):
        raise ValidationError(f"推荐对象已{nomination.get_status_display()}，不能撤回")
    before, unit = nomination.status, nomination.nominated_by
    nomination.status, nomination.at_unit = NominationStatus.WITHDRAWN, None
    nomination.save(update_fields=["status", "at_unit", "updated_at"])
    _step(nomination, actor, "撤回", before, reason.strip(), ip, unit)
    return nomination


@transaction.atomic
def reject(nomination: Nomination, *, actor, reason: str, ip: str | None = None) -> Nomination:
    """不予推荐 / 不予命名: the unit it waits at (or the issuer, for a selected one during 公示) rejects it
    with a reason; it stays in the round as 未通过."""
    nomination = _locked(nomination)
    if getattr(actor, "pk", None) and not is_reviewer(actor, nomination):
        raise PermissionDenied("只有当前审核单位可以退回该推荐")
    if nomination.status not in (NominationStatus.PENDING, NominationStatus.SELECTED):
        raise ValidationError(f"推荐对象已{nomination.get_status_display()}，不能退回")
    if nomination.round.status not in (RoundStatus.OPEN, RoundStatus.NOTICE):
        raise ValidationError("评选已命名，不能再退回")
    if not reason.strip():
        raise ValidationError("请填写不予推荐的原因")
    before, unit = nomination.status, nomination.at_unit or nomination.round.issuer
    nomination.status, nomination.reason = NominationStatus.REJECTED, reason.strip()[:500]
    nomination.save(update_fields=["status", "reason", "updated_at"])
    _step(nomination, actor, "不予推荐", before, nomination.reason, ip, unit)
    return nomination


# ---------------------------------------------------------------------- forwarding, quotas and shares
def quota_unit(round_: Round, unit: UnionOrg) -> UnionOrg:
    """The ancestor-or-self of ``unit`` directly under the round's issuer (whose quota bounds it)."""
    depth = round_.issuer.path.count("/") + 1
    segments = unit.path.split("/")[:depth]
    path = "/".join(segments) + "/"
    return unit if unit.path == path else UnionOrg.objects.get(path=path)


def quota_of(round_: Round, unit: UnionOrg) -> int | None:
    """How many ``unit`` may send up: its branch's ``RoundQuota``, else the round's quota."""
    branch = quota_unit(round_, unit)
    row = RoundQuota.objects.filter(round=round_, unit=branch).first()
    return row.quota if row is not None else round_.quota


def sent_up(round_: Round, unit: UnionOrg) -> QuerySet[Nomination]:
    """The nominations of ``unit``'s subtree it has sent above itself and that are still in play."""
    return round_.nominations.filter(nominated_by__path__startswith=unit.path, status__in=IN_PLAY).exclude(
        at_unit__path__startswith=unit.path
    )


def share_report(nominations: Iterable[Nomination], shares: list[dict]) -> list[dict]:
    """Each share of the kind: how many of the nominations count, their percentage, below the minimum?"""
    rows = list(nominations)
    out = []
    for share in shares or []:
        owners = share_ownerships(share.get("code", ""))
        count = sum(1 for n in rows if n.ownership in owners)
        percent = round(count * 100 / len(rows), 1) if rows else None
        minimum = float(share.get("min_percent") or 0)
        out.append(
            {
                "label": share.get("label", ""),
                "count": count,
                "total": len(rows),
                "percent": percent,
                "min_percent": minimum,
                "below": percent is not None and percent < minimum,
            }
        )
    return out


def _check_shares(round_: Round, rows: list[Nomination], acknowledge: bool, who: str) -> str:
    below = [s for s in share_report(rows, round_.kind.shares) if s["below"]]
    if not below:
        return ""
    text = "；".join(
        f"{s['label']} {s['count']}/{s['total']}，占 {s['percent']:g}%，低于要求的 {s['min_percent']:g}%"
        for s in below
    )
    if not acknowledge:
        raise ShareWarning(f"{who}的推荐对象结构比例不足：{text}。如确需上报，请勾选确认后再提交")
    return f"已确认结构比例不足：{text}"


def _check_sending(round_: Round, unit: UnionOrg, rows: list[Nomination], acknowledge: bool) -> str:
    """``unit`` sends ``rows`` up: refused beyond its quota; a share below its minimum must be
    acknowledged. Returns the acknowledgement for the event's note."""
    already = list(sent_up(round_, unit))
    quota = quota_of(round_, unit)
    total = len(already) + len(rows)
    if quota is not None and total > quota:
        branch = quota_unit(round_, unit)
        whose = "本单位" if branch.pk == unit.pk else branch.name
        raise ValidationError(
            f"超出名额：{whose}名额 {quota} 个，{unit.name}已上报 {len(already)} 个，本次上报 {len(rows)} 个，"
            f"合计 {total} 个，请减少 {total - quota} 个"
        )
    return _check_shares(round_, already + rows, acknowledge, unit.name)


@transaction.atomic
def forward(
    nominations: Iterable[Nomination], *, actor, acknowledge_shares: bool = False, ip: str | None = None
) -> list[Nomination]:
    """推荐上报: the unit the nominations wait at sends them one level up. Refused (with the figures) when
    the unit's nominations sent up would exceed its quota; a share below its minimum is a
    :class:`ShareWarning` unless ``acknowledge_shares``."""
    ids = [n.pk for n in nominations]
    if not ids:
        raise ValidationError("请选择要上报的推荐对象")
    rows = list(
        Nomination.objects.select_for_update(of=("self",))
        .select_related("round__kind", "round__issuer", "at_unit", "nominated_by")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    rounds = {n.round_id for n in rows}
    units = {n.at_unit_id for n in rows}
    if len(rounds) != 1 or len(units) != 1:
        raise ValidationError("一次只能上报同一评选中在本单位审核的推荐对象")
    round_ = _locked_round(rows[0].round)
    unit = rows[0].at_unit
    if unit is None or any(n.status != NominationStatus.PENDING for n in rows):
        raise ValidationError("只能上报待审核的推荐对象")
    if getattr(actor, "pk", None):
        node = _editor(actor)
        if node.pk != unit.pk:
            raise PermissionDenied("只有当前审核单位可以上报")
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(f"「{round_.title}」已{round_.get_status_display()}，不能再上报")
    if unit.pk == round_.issuer_id:
        raise ValidationError("推荐对象已在评选单位，请直接确定拟命名对象或不予推荐")
    note = _check_sending(round_, unit, rows, acknowledge_shares)
    parent = unit.parent
    for nomination in rows:
        before = nomination.status
        nomination.at_unit = parent
        nomination.save(update_fields=["at_unit", "updated_at"])
        text = f"上报{parent.name}" + (f"；{note}" if note else "")
        _step(nomination, actor, "推荐上报", before, text, ip, unit)
    return rows


@transaction.atomic
def select(
    nominations: Iterable[Nomination], *, actor, acknowledge_shares: bool = False, ip: str | None = None
) -> list[Nomination]:
    """确定拟命名: the issuer selects nominations waiting at it, within the round's quota."""
    ids = [n.pk for n in nominations]
    if not ids:
        raise ValidationError("请选择拟命名的推荐对象")
    rows = list(Nomination.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk"))
    if len({n.round_id for n in rows}) != 1:
        raise ValidationError("一次只能确定同一评选的推荐对象")
    round_ = _locked_round(rows[0].round)
    if getattr(actor, "pk", None) and not may_manage_round(actor, round_):
        raise PermissionDenied("只有评选单位可以确定拟命名对象")
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(f"「{round_.title}」已{round_.get_status_display()}，不能再确定拟命名对象")
    if any(n.status != NominationStatus.PENDING or n.at_unit_id != round_.issuer_id for n in rows):
        raise ValidationError("只能确定已上报到评选单位、待审核的推荐对象")
    chosen = list(round_.nominations.filter(status=NominationStatus.SELECTED))
    total = len(chosen) + len(rows)
    if round_.quota is not None and total > round_.quota:
        raise ValidationError(
            f"超出名额：本次评选名额 {round_.quota} 个，已确定 {len(chosen)} 个，本次 {len(rows)} 个，合计 {total} 个"
        )
    note = _check_shares(round_, chosen + rows, acknowledge_shares, round_.issuer.name)
    for nomination in rows:
        before = nomination.status
        nomination.status = NominationStatus.SELECTED
        nomination.save(update_fields=["status", "updated_at"])
        _step(nomination, actor, "确定拟命名", before, note, ip, round_.issuer)
    return rows


# ---------------------------------------------------------------------- 公示 and naming
@transaction.atomic
def open_notice(round_: Round, *, actor, start: dt.date, end: dt.date, ip: str | None = None) -> Round:
    """公示: the selected nominations are published from ``start`` to ``end``; the round is 公示中."""
    round_ = _locked_round(round_)
    if getattr(actor, "pk", None) and not may_manage_round(actor, round_):
        raise PermissionDenied("只有评选单位可以发布公示")
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(f"「{round_.title}」已{round_.get_status_display()}，不能发布公示")
    if end < start:
        raise ValidationError("公示结束日期不能早于开始日期")
    selected = list(round_.nominations.filter(status=NominationStatus.SELECTED))
    if not selected:
        raise ValidationError("尚未确定拟命名对象，不能公示")
    round_.status, round_.notice_start, round_.notice_end = RoundStatus.NOTICE, start, end
    round_.save(update_fields=["status", "notice_start", "notice_end", "updated_at"])
    note = f"公示 {start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
    for nomination in selected:
        _event(nomination, actor, "公示", nomination.status, note, round_.issuer)
    audit.log(
        AuditEvent.Action.UPDATE, round_, actor=actor, ip=ip, detail=f"{note}，拟命名 {len(selected)} 个"
    )
    return round_


@transaction.atomic
def name(
    round_: Round, *, actor, document_number: str, named_on: dt.date, ip: str | None = None
) -> list[Title]:
    """命名: after 公示 each selected nomination becomes a title (document number, date, next 复查 after
    the kind's interval); the nominations left pending are closed as 未入选, the drafts as 撤回."""
    round_ = _locked_round(round_)
    if getattr(actor, "pk", None) and not may_manage_round(actor, round_):
        raise PermissionDenied("只有评选单位可以命名")
    if round_.status != RoundStatus.NOTICE:
        raise ValidationError("评选须先公示，公示结束后才能命名")
    number = document_number.strip()
    if not DOCUMENT_NUMBER.match(number):
        raise ValidationError("命名文号格式应如 皖工发〔2023〕12号")
    if round_.notice_end and named_on <= round_.notice_end:
        raise ValidationError(f"公示期至 {round_.notice_end:%Y-%m-%d}，命名日期应在公示期满之后")
    kind = round_.kind
    titles = []
    for nomination in round_.nominations.filter(status=NominationStatus.SELECTED).order_by("pk"):
        title = Title.objects.create(
            kind=kind,
            round=round_,
            nomination=nomination,
            node=nomination.node,
            subject_kind=nomination.subject_kind,
            union=nomination.union,
            workplace=nomination.workplace,
            member=nomination.member,
            proposal=nomination.proposal,
            subject_name=nomination.subject_name,
            ownership=nomination.ownership,
            year=round_.year,
            named_on=named_on,
            named_by=round_.issuer.name,
            document_number=number,
            status=TitleStatus.ACTIVE,
            next_inspection=next_inspection(kind, named_on),
        )
        TitleEvent.objects.create(
            title=title,
            actor=actor if getattr(actor, "pk", None) else None,
            action="命名",
            to_status=title.status,
            note=f"{round_.issuer.name}{number}命名（{round_.title}）",
        )
        audit.log(AuditEvent.Action.CREATE, title, actor=actor, ip=ip, detail=f"命名：{title}，{number}")
        before = nomination.status
        nomination.status = NominationStatus.NAMED
        nomination.save(update_fields=["status", "updated_at"])
        _step(nomination, actor, "命名", before, number, ip, round_.issuer)
        titles.append(title)
    for nomination in round_.nominations.filter(
        status__in=[NominationStatus.PENDING, NominationStatus.DRAFT]
    ):
        before = nomination.status
        if before == NominationStatus.PENDING:
            nomination.status, nomination.reason = NominationStatus.REJECTED, "本次评选已命名，未入选"
            action = "未入选"
        else:
            nomination.status, nomination.at_unit = NominationStatus.WITHDRAWN, None
            action = "未报送"
        nomination.save(update_fields=["status", "reason", "at_unit", "updated_at"])
        _step(nomination, actor, action, before, "评选已命名", ip, round_.issuer)
    round_.status, round_.document_number, round_.named_on = RoundStatus.NAMED, number, named_on
    round_.save(update_fields=["status", "document_number", "named_on", "updated_at"])
    audit.log(
        AuditEvent.Action.UPDATE, round_, actor=actor, ip=ip, detail=f"命名：{number}，共 {len(titles)} 个"
    )
    return titles
