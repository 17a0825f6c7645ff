"""示范点补助: the grant of a confirmed demonstration site — approved (amount, date, approval document),
then paid ONCE (date, voucher number) — and the totals per year and per city.

Who may act: the issuer level of the title's kind (:func:`may_issue`): an editing user whose node is an
ancestor of (or is) the title's union and whose node is a union of the kind's level — the province's
administrators for a provincial kind, a city's for a municipal one. A superuser passes (the root).
Each step writes a :class:`TitleEvent` on the site and an audit row in one transaction; a second payment
is refused in Chinese before the database's one-to-one and check constraint would refuse it anyway.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.normalize import clean_text
from gonghui.core.scope import home_node
from gonghui.orgs.models import UnionKind, UnionOrg

from .models import Grant, HonourKind, Level, Title, TitleEvent, TitleStatus

# The unions that act for each level of honour (a development zone acts as a county).
LEVEL_UNION_KINDS: dict[str, set[str]] = {
    Level.NATIONAL: set(),  # 全国总工会 is not in the tree: a national kind is managed from outside
    Level.PROVINCE: {UnionKind.PROVINCE},
    Level.CITY: {UnionKind.CITY},
    Level.COUNTY: {UnionKind.COUNTY, UnionKind.ZONE},
}


def may_issue(user, kind: HonourKind, node: UnionOrg) -> bool:
    """Whether ``user`` acts as the issuer of ``kind`` for a holder hanging at ``node``: an editor whose
    node lies above (or is) ``node`` and is a union of the kind's level."""
    if not getattr(user, "can_edit", False):
        return False
    own = home_node(user)
    if own is None or not node.path.startswith(own.path):
        return False
    return bool(getattr(user, "is_superuser", False)) or own.kind in LEVEL_UNION_KINDS.get(kind.level, set())


def _require_issuer(actor, title: Title) -> None:
    if actor is not None and not may_issue(actor, title.kind, title.node):
        level = title.kind.get_level_display()
        raise PermissionDenied(f"只有{level}荣誉的命名单位（上级工会管理员）可以批准或拨付补助")


def title_event(
    title: Title, action: str, note: str, *, actor=None, from_status: str = "", to_status: str = ""
) -> TitleEvent:
    """One step on a title (the caller holds the transaction and writes the audit row)."""
    return TitleEvent.objects.create(
        title=title,
        actor=actor if getattr(actor, "pk", None) is not None else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f} 元"


@transaction.atomic
def approve_grant(
    title: Title,
    *,
    approved_on: dt.date,
    approval_document: str = "",
    amount: Decimal | None = None,
    actor=None,
    ip: str | None = None,
) -> Grant:
    """批准补助 for an active title whose kind carries a grant; ``amount`` defaults to the kind's."""
    title = Title.objects.select_for_update(of=("self",)).select_related("kind", "node").get(pk=title.pk)
    _require_issuer(actor, title)
    if title.kind.grant_amount is None:
        raise ValidationError(f"「{title.kind}」没有补助，不能批准")
    if title.status != TitleStatus.ACTIVE:
        raise ValidationError(f"「{title.subject_name}」的荣誉{title.get_status_display()}，不能批准补助")
    if Grant.objects.filter(holder=title).exists():
        raise ValidationError(f"「{title.subject_name}」已批准过补助，不能重复批准")
    amount = title.kind.grant_amount if amount is None else Decimal(amount)
    if amount <= 0:
        raise ValidationError("补助金额须大于 0")
    document = clean_text(approval_document)[:50]
    grant = Grant.objects.create(
        holder=title,
        amount=amount,
        approved_on=approved_on,
        approval_document=document,
        approved_by=actor if getattr(actor, "pk", None) is not None else None,
    )
    note = f"批准补助 {_money(amount)}" + (f"（{document}）" if document else "")
    title_event(title, "批准补助", note, actor=actor)
    audit.log(
        AuditEvent.Action.CREATE, grant, actor=actor, ip=ip, detail=f"示范点补助：{title.subject_name}{note}"
    )
    return grant


@transaction.atomic
def pay_grant(
    grant: Grant, *, paid_on: dt.date, voucher_number: str, actor=None, ip: str | None = None
) -> Grant:
    """拨付补助, once: a grant already paid is refused with the date and voucher of its payment."""
    grant = (
        Grant.objects.select_for_update(of=("self",))
        .select_related("holder__kind", "holder__node")
        .get(pk=grant.pk)
    )
    title = grant.holder
    _require_issuer(actor, title)
    if grant.status == Grant.Status.PAID:
        raise ValidationError(
            f"「{title.subject_name}」的补助已于 {grant.paid_on:%Y-%m-%d} 拨付（凭证号 {grant.voucher_number}），"
            "不能重复拨付"
        )
    voucher = clean_text(voucher_number)[:50]
    if not voucher:
        raise ValidationError("请填写凭证号")
    if paid_on < grant.approved_on:
        raise ValidationError(f"拨付日期不能早于批准日期 {grant.approved_on:%Y-%m-%d}")
    grant.status, grant.paid_on, grant.voucher_number = Grant.Status.PAID, paid_on, voucher
    grant.paid_by = actor if getattr(actor, "pk", None) is not None else None
    grant.save(update_fields=["status", "paid_on", "voucher_number", "paid_by", "updated_at"])
    note = f"拨付补助 {_money(grant.amount)}（凭证号 {voucher}）"
    title_event(title, "拨付补助", note, actor=actor)
    audit.log(
        AuditEvent.Action.UPDATE, grant, actor=actor, ip=ip, detail=f"示范点补助：{title.subject_name}{note}"
    )
    return grant


# ---------------------------------------------------------------------- totals
def grant_kinds() -> QuerySet[HonourKind]:
    """The kinds that carry a grant (the demonstration sites)."""
    return HonourKind.objects.filter(grant_amount__isnull=False)


def sites(user, year: int | None = None) -> QuerySet[Title]:
    """The titles of grant-carrying kinds the user sees (of ``year``), with their grant."""
    rows = (
        Title.objects.visible_to(user)
        .filter(kind__grant_amount__isnull=False)
        .select_related("kind", "node", "grant")
        .order_by("-year", "node__path", "id")
    )
    return rows.filter(year=year) if year else rows


@dataclass
class CityTotal:
    city: str
    sites: int = 0
    approved: int = 0
    approved_amount: Decimal = Decimal(0)
    paid: int = 0
    paid_amount: Decimal = Decimal(0)
    unpaid_amount: Decimal = field(default=Decimal(0))


def city_of(node: UnionOrg, cities: list[UnionOrg]) -> UnionOrg | None:
    for city in cities:
        if node.path.startswith(city.path):
            return city
    return None


def totals_by_city(titles: list[Title]) -> tuple[list[CityTotal], CityTotal]:
    """Per city (the 市总工会 above each site; 「省直」 for those under none): sites, approved and paid
    grants with their amounts; and the grand total."""
    cities = list(UnionOrg.objects.filter(kind=UnionKind.CITY).only("pk", "name", "path"))
    rows: dict[str, CityTotal] = {}
    total = CityTotal("合计")
    for title in titles:
        city = city_of(title.node, cities)
        name = city.name if city else "省直及其他"
        for row in (rows.setdefault(name, CityTotal(name)), total):
            row.sites += 1
            grant = getattr(title, "grant", None)
            if grant is None:
                continue
            row.approved += 1
            row.approved_amount += grant.amount
            if grant.status == Grant.Status.PAID:
                row.paid += 1
                row.paid_amount += grant.amount
            else:
                row.unpaid_amount += grant.amount
    return sorted(rows.values(), key=lambda r: r.city), total
