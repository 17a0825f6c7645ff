"""职工代表提案: the registry of worker-representative proposals (workplace, proposer, year, 职代会 session,
title, content, handling) and the counts of their recommendations and selections per level.

- A proposal hangs in the union tree at its workplace's own union (the proposer's union), or at the
  workplace's 属地工会 when the workplace has none; the user registers proposals of workplaces of their
  subtree (:func:`workplaces_for`), and the proposer must be a member of that workplace's union.
- The recommendation itself is a :class:`Nomination` of a proposal kind in a round (the rounds' services):
  the counts here read those rows, per level of the kind, by status.
- Each create / edit writes its audit row (a proposal has no lifecycle of its own: its events are the
  nomination's).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.scope import EVERYTHING, covers, scope_prefix
from gonghui.members.models import Member
from gonghui.orgs.models import UnionOrg, Workplace

from .models import Category, Level, Nomination, NominationStatus, Proposal

FIELDS = ("workplace", "proposer", "co_proposers", "year", "session", "title", "content", "handling")


def workplaces_for(user) -> QuerySet[Workplace]:
    """The workplaces whose proposals the user registers: governed in the user's subtree, or with their
    own union in it (a grassroots union's administrator registers its workplace's proposals)."""
    prefix = scope_prefix(user)
    if prefix is None:
        return Workplace.objects.none()
    if prefix == EVERYTHING:
        return Workplace.objects.all()
    return Workplace.objects.filter(
        Q(governing_union__path__startswith=prefix) | Q(unions__path__startswith=prefix)
    ).distinct()


def proposal_node(workplace: Workplace) -> UnionOrg:
    """The workplace's own union (the first, by path), else its 属地工会."""
    own = workplace.unions.order_by("path").first()
    return own or workplace.governing_union


def _clean(data: dict, user) -> dict:
    workplace: Workplace = data["workplace"]
    node = proposal_node(workplace)
    if user is not None and not covers(user, node):
        raise PermissionDenied("该单位不在您的管辖范围内")
    proposer: Member | None = data.get("proposer")
    if proposer is not None and not workplace.unions.filter(pk=proposer.union_id).exists():
        raise ValidationError(f"提案人{proposer.name}不是{workplace.name}工会的会员")
    year = int(data["year"])
    if not 2000 <= year <= 2100:
        raise ValidationError("年度须在 2000 至 2100 之间")
    title = " ".join(str(data.get("title", "")).split())[:200]
    content = str(data.get("content", "")).strip()
    if not title or not content:
        raise ValidationError("请填写提案标题和提案内容")
    return {
        **{k: data.get(k, "") for k in FIELDS},
        "node": node,
        "year": year,
        "title": title,
        "content": content,
        "co_proposers": " ".join(str(data.get("co_proposers") or "").split())[:200],
        "session": " ".join(str(data.get("session") or "").split())[:50],
        "handling": str(data.get("handling") or "").strip(),
        "proposer": proposer,
    }


@transaction.atomic
def create_proposal(data: dict, *, actor=None, ip: str | None = None) -> Proposal:
    values = _clean(data, actor)
    proposal = Proposal.objects.create(
        **values, created_by=actor if getattr(actor, "pk", None) is not None else None
    )
    audit.log(
        AuditEvent.Action.CREATE,
        proposal,
        actor=actor,
        ip=ip,
        detail=f"职工代表提案：{proposal.workplace.name} {proposal.year} 年「{proposal.title}」",
    )
    return proposal


@transaction.atomic
def update_proposal(
    proposal: Proposal, data: dict, *, actor=None, ip: str | None = None, changed: str = ""
) -> Proposal:
    proposal = Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
    if actor is not None and not covers(actor, proposal.node):
        raise PermissionDenied("该提案不在您的管辖范围内")
    for name, value in _clean(data, actor).items():
        setattr(proposal, name, value)
    proposal.save()
    audit.log(
        AuditEvent.Action.UPDATE,
        proposal,
        actor=actor,
        ip=ip,
        detail=f"职工代表提案：修改「{proposal.title}」" + (f"（{changed}）" if changed else ""),
    )
    return proposal


# ---------------------------------------------------------------------- counts per level
RECOMMENDED = (
    NominationStatus.PENDING,
    NominationStatus.REJECTED,
    NominationStatus.SELECTED,
    NominationStatus.NAMED,
)
SELECTED = (NominationStatus.SELECTED, NominationStatus.NAMED)


@dataclass
class LevelCount:
    level: str
    label: str
    recommended: int = 0
    selected: int = 0
    rejected: int = 0
    pending: int = 0


def counts_per_level(user, year: int | None = None) -> list[LevelCount]:
    """The nominations of proposal kinds the user sees, per level of the kind: recommended (submitted,
    whatever happened next), selected (拟命名 or 已命名), rejected and still pending."""
    rows = Nomination.objects.visible_to(user).filter(round__kind__category=Category.PROPOSAL)
    if year:
        rows = rows.filter(round__year=year)
    grouped = rows.values("round__kind__level").annotate(
        recommended=Count("pk", filter=Q(status__in=RECOMMENDED)),
        selected=Count("pk", filter=Q(status__in=SELECTED)),
        rejected=Count("pk", filter=Q(status=NominationStatus.REJECTED)),
        pending=Count("pk", filter=Q(status=NominationStatus.PENDING)),
    )
    found = {row["round__kind__level"]: row for row in grouped}
    result = []
    for level in Level:
        row = found.get(level.value)
        if row is None:
            continue
        result.append(
            LevelCount(
                level.value,
                str(level.label),
                row["recommended"],
                row["selected"],
                row["rejected"],
                row["pending"],
            )
        )
    return result
