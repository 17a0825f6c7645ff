"""Decisions on an open application: approve, reject, forward (the reviewer), withdraw (the applicant).

Each is one transaction through ``APPLICATIONS`` (``flow.Flow``): lock, check, set, event, notice.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from gonghui.core.normalize import normalize_resident_id
from gonghui.core.scope import covers
from gonghui.members import services as membership
from gonghui.orgs.models import UnionOrg

from ..models import OPEN_STATUSES, ApplicationEvent, ApplicationStatus, InsurancePlanOffer, JoinApplication
from .flow import APPLICANT, Flow, JoiningError, today

APPLICATIONS = Flow(
    model=JoinApplication,
    related=("routed_union",),
    pending=OPEN_STATUSES,
    event=ApplicationEvent,
    subject="application",
    called=lambda app: f"申请 {app.number} ",
    recipient=lambda app: app,
    notice=lambda app, verdict: f"【工会入会】{app.name}您好，您的入会申请（编号 {app.number}）{verdict}",
    event_fields=lambda app: {"to_union": app.routed_union},
)
NOT_A_REVIEWER = "您无权审核该申请（不在您的管辖范围内或角色不是审核员/管理员）"
UNCHANGED = object()


def may_review(user, app: JoinApplication) -> bool:
    if user is None or not user.is_authenticated or not user.can_review:
        return False
    return covers(user, app.routed_union)


def _review(app: JoinApplication, actor) -> JoinApplication:
    return APPLICATIONS.lock(app, actor, may=may_review, denied=NOT_A_REVIEWER)


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
    ip: str | None = None,
) -> JoinApplication:
    """Approve: the member record, its 入会 event, the application's event and, for new-form
    workers, the insurance-plan offer, all in this one transaction. The reviewer may correct the
    categories the applicant reported (农民工, the new-form group); the approval event says what
    was corrected, from what to what."""
    locked = _review(app, actor)
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
            applicant, locked.routed_union, on, actor=actor, note=f"网上入会 {locked.number}", ip=ip
        )
    except membership.AlreadyMember as exc:
        raise JoiningError(f"不能批准：{exc}") from None
    except membership.MembershipError as exc:
        raise JoiningError(str(exc)) from None
    text = note or "批准入会"
    if corrections:
        text += "；审核更正：" + "，".join(corrections)
    APPLICATIONS.move(
        locked,
        ApplicationStatus.APPROVED,
        actor,
        note=text,
        audit_detail=f"批准入会申请 {locked.number}，入会工会「{locked.routed_union.name}」"
        + ("；审核更正：" + "，".join(corrections) if corrections else ""),
        ip=ip,
        also=("is_migrant_worker", "new_form_group"),
        tell=f"已获「{locked.routed_union.name}」批准，欢迎加入工会！",
        reviewer=actor,
        decided_at=timezone.now(),
        member=member,
    )
    if locked.new_form_group_id:
        InsurancePlanOffer.objects.create(member=member, application=locked, offered_on=on)
    return locked


@transaction.atomic
def reject(app: JoinApplication, actor, reason: str, ip: str | None = None) -> JoinApplication:
    reason = (reason or "").strip()
    if not reason:
        raise JoiningError("请填写未通过的原因")
    locked = _review(app, actor)
    return APPLICATIONS.move(
        locked,
        ApplicationStatus.REJECTED,
        actor,
        note=reason,
        audit_detail=f"入会申请 {locked.number} 未通过，原因：{reason}",
        ip=ip,
        tell=f"未获通过，原因：{reason}",
        reviewer=actor,
        decided_at=timezone.now(),
        reject_reason=reason[:255],
    )


@transaction.atomic
def forward(
    app: JoinApplication, actor, to_union: UnionOrg, note: str, ip: str | None = None
) -> JoinApplication:
    """Hand the application to another union (e.g. the workplace's own union, a zone union). The
    deadline stays: it is a promise to the applicant, not to a union."""
    note = (note or "").strip()
    if not note:
        raise JoiningError("请填写转交说明")
    locked = _review(app, actor)
    if to_union.pk == locked.routed_union_id:
        raise JoiningError("转交的工会与当前受理工会相同")
    if to_union.status != UnionOrg.Status.ACTIVE:
        raise JoiningError(f"「{to_union.name}」已{to_union.get_status_display()}，不能受理申请")
    return APPLICATIONS.move(
        locked,
        ApplicationStatus.FORWARDED,
        actor,
        note=note,
        event={"from_union": locked.routed_union},
        audit_detail=f"入会申请 {locked.number} 由「{locked.routed_union.name}」转交「{to_union.name}」：{note}",
        ip=ip,
        tell=f"已转交「{to_union.name}」办理。说明：{note}",
        routed_union=to_union,
    )


@transaction.atomic
def withdraw(app: JoinApplication) -> JoinApplication:
    """The applicant withdraws (from the status page, after proving number + ID)."""
    return APPLICATIONS.move(
        APPLICATIONS.lock(app, verb="撤回"),
        ApplicationStatus.WITHDRAWN,
        label=APPLICANT,
        note="申请人撤回",
        decided_at=timezone.now(),
    )
