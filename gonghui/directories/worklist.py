"""The unorganised list (清单) and its work-off (领单, 对账销号): the services that change list items.

An item is a directory entry no active union covers: a new registrant, or one matched to a workplace
without an active union. ``refresh_list`` puts such entries on the list (one item per registrant, whichever
sources list it) and ticks off items whose workplace has since been covered; ``feed_from_joining`` turns
the employers online applicants named (their employer has no union) into entries of the source 网上入会.

Each step — claim, assign, visit, close — is one transaction that writes the item, a ``ListItemEvent``
(who, when, from → to) and an audit row. Services take the actor and the client address as values and
never touch a request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.normalize import normalize_org_name
from gonghui.core.scope import covers, home_node
from gonghui.joining.models import ApplicationStatus, JoinApplication
from gonghui.orgs import services as orgs
from gonghui.orgs.models import GRASSROOTS_KINDS, UnionCoverage, UnionKind, UnionOrg, Workplace

from .models import DirectoryEntry, DirectorySource, ListItem, ListItemEvent, MatchMethod, Visit

Status = ListItem.Status
Outcome = ListItem.Outcome

# The unions that work a list: a county-level union, a township (street) union, a development-zone union.
WORKING_KINDS = (UnionKind.COUNTY, UnionKind.TOWNSHIP, UnionKind.ZONE)
# 规模以上: the statistical 规模以上工业企业 are those with a yearly main revenue of 20 million yuan or more;
# no directory column carries revenue, so an entry counts as 规模以上 when it is matched to a workplace
# the registry flags 规模以上企业 (Workplace.is_above_scale).
SIZE_BANDS: dict[str, tuple[str, Q]] = {
    "25": ("25人以上", Q(entry__employees__gte=25)),
    "100": ("100人以上", Q(entry__employees__gte=100)),
    "above": ("规模以上企业", Q(entry__workplace__is_above_scale=True)),
}
DEFAULT_DUE_DAYS = 90  # a claim without a due date is due in three months
# What applicants type when they have no employer: not a workplace to organise.
NO_EMPLOYER = {"无固定单位", "无", "无单位", "灵活就业", "个体", "自由职业"}


def band_q(band: str) -> Q:
    return SIZE_BANDS[band][1]


def _event(item: ListItem, actor, action: str, before: str, detail: str = "") -> ListItemEvent:
    return ListItemEvent.objects.create(
        item=item, actor=actor, action=action, from_status=before, to_status=item.status, detail=detail
    )


def _locked(item: ListItem) -> ListItem:
    """The item re-read under a row lock: two people acting on it at once queue, the second sees the
    first's result."""
    return ListItem.objects.select_for_update().select_related("entry", "territory").get(pk=item.pk)


def _open(item: ListItem) -> None:
    if item.status == Status.CLOSED:
        raise ValidationError(f"「{item.entry}」已销号（{item.get_outcome_display()}），不能再办理")


def working_union(actor) -> UnionOrg:
    """The union the actor works a list for: their own node, a county, township or zone union."""
    node = home_node(actor)
    if node is None or node.kind not in WORKING_KINDS:
        raise PermissionDenied("只有县级、乡镇（街道）或开发区总工会可以领取清单")
    return node


def default_due(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) + dt.timedelta(days=DEFAULT_DUE_DAYS)


# --- claim and assign ------------------------------------------------------------------------------


@transaction.atomic
def claim(item: ListItem, *, actor, due_on: dt.date | None = None, ip: str | None = None) -> ListItem:
    """领单: the actor's union takes the item, due by ``due_on`` (default three months)."""
    union = working_union(actor)
    item = _locked(item)
    _open(item)
    if not covers(actor, item.territory):
        raise PermissionDenied("该清单项不在您的管辖范围内")
    if item.status == Status.CLAIMED and item.claimed_by_id != union.pk:
        raise ValidationError(f"「{item.entry}」已由{item.claimed_by}领取")
    before = item.status
    item.status = Status.CLAIMED
    item.claimed_by = union
    item.claimed_at = timezone.now()
    item.due_on = due_on or default_due()
    item.save()
    detail = f"{union}领单，期限 {item.due_on:%Y-%m-%d}"
    _event(item, actor, "领单", before, detail)
    audit.log(AuditEvent.Action.UPDATE, item, actor=actor, ip=ip, detail=detail)
    return item


def assignable_unions(actor) -> QuerySet[UnionOrg]:
    """The unions a user may hand items to: working unions of their subtree (their own included)."""
    return UnionOrg.objects.visible_to(actor).filter(kind__in=WORKING_KINDS, status=UnionOrg.Status.ACTIVE)


@transaction.atomic
def assign(
    item: ListItem, *, to: UnionOrg, actor, due_on: dt.date | None = None, ip: str | None = None
) -> ListItem:
    """派单: a county hands the item to a township (or zone) union under the item's territory, which then
    holds it in its own list (the item's territory becomes that union)."""
    if not actor.can_edit:
        raise PermissionDenied("您的角色只能查看，不能派单")
    item = _locked(item)
    _open(item)
    if not covers(actor, item.territory) or not covers(actor, to):
        raise PermissionDenied("该清单项或承办工会不在您的管辖范围内")
    if to.kind not in WORKING_KINDS or to.status != UnionOrg.Status.ACTIVE:
        raise ValidationError("只能派给正常状态的县级、乡镇（街道）或开发区总工会")
    if not to.path.startswith(item.territory.path):
        raise ValidationError(f"{to}不在该清单项的属地（{item.territory}）之内，不能派给它")
    before, was = item.status, item.claimed_by
    item.territory = to
    item.status = Status.CLAIMED
    item.claimed_by = to
    item.claimed_at = timezone.now()
    item.assigned_by = actor
    item.due_on = due_on or default_due()
    item.save()
    detail = f"派给{to}，期限 {item.due_on:%Y-%m-%d}" + (f"（原领单：{was}）" if was and was != to else "")
    _event(item, actor, "派单", before, detail)
    audit.log(AuditEvent.Action.UPDATE, item, actor=actor, ip=ip, detail=detail)
    return item


# --- visits ----------------------------------------------------------------------------------------


@dataclass
class VisitInput:
    visited_on: dt.date
    visitors: str
    outcome: str
    note: str = ""
    attachment: UploadedFile | None = None


@transaction.atomic
def record_visit(item: ListItem, data: VisitInput, *, actor, ip: str | None = None) -> Visit:
    """A contact or visit (date, who, outcome, note, attachment sealed by the private storage)."""
    if not actor.can_edit:
        raise PermissionDenied("您的角色只能查看，不能登记走访")
    item = _locked(item)
    _open(item)
    if data.visited_on > timezone.localdate():
        raise ValidationError("走访日期不能晚于今天")
    visit = Visit(
        item=item,
        visited_on=data.visited_on,
        visitors=data.visitors,
        outcome=data.outcome,
        note=data.note,
        recorded_by=actor,
    )
    if data.attachment is not None:
        visit.attachment.save(data.attachment.name, data.attachment, save=False)
    visit.save()
    detail = f"{data.visited_on:%Y-%m-%d} 走访（{visit.get_outcome_display()}），走访人：{data.visitors}"
    _event(item, actor, "走访", item.status, detail)
    audit.log(AuditEvent.Action.UPDATE, item, actor=actor, ip=ip, detail=detail)
    return visit


# --- closing (销号) -----------------------------------------------------------------------------------


def _close(item: ListItem, actor, outcome: str, detail: str, ip: str | None) -> ListItem:
    before = item.status
    item.status = Status.CLOSED
    item.outcome = outcome
    item.closed_at = timezone.now()
    item.closed_by = actor if getattr(actor, "pk", None) else None
    item.save()
    _event(item, item.closed_by, "销号", before, detail)
    audit.log(AuditEvent.Action.UPDATE, item, actor=actor, ip=ip, detail=f"销号：{detail}")
    return item


def workplace_for(item: ListItem, actor, ip: str | None = None) -> Workplace:
    """The entry's workplace; a new registrant is entered in the registry from the entry (一键建档),
    or linked to the workplace that already holds its USCC."""
    entry = item.entry
    if entry.workplace_id:
        return entry.workplace
    workplace = Workplace.objects.filter(uscc=entry.uscc).first() if entry.uscc else None
    if workplace is None:
        workplace = orgs.create_workplace(
            name=entry.name,
            uscc=entry.uscc or None,
            industry=entry.industry,
            employee_count=entry.employees or 0,
            region=entry.region,
            governing_union=item.territory,
            address=entry.address,
            registered_on=timezone.localdate(),
        )
        audit.log(
            AuditEvent.Action.CREATE, workplace, actor=actor, ip=ip, detail=f"由{entry.source}名录条目建档"
        )
    entry.workplace = workplace
    entry.match_method = MatchMethod.MANUAL
    entry.match_confidence = 100
    entry.confirmed_by = actor if getattr(actor, "pk", None) else None
    entry.confirmed_at = timezone.now()
    entry.save(
        update_fields=["workplace", "match_method", "match_confidence", "confirmed_by", "confirmed_at"]
    )
    return workplace


def _usable_union(union: UnionOrg, actor) -> None:
    if union.status != UnionOrg.Status.ACTIVE:
        raise ValidationError(f"「{union}」不是正常状态的工会")
    if not UnionOrg.objects.visible_to(actor).filter(pk=union.pk).exists():
        raise PermissionDenied("所选工会不在您的管辖范围内")
    if union.kind not in GRASSROOTS_KINDS:
        raise ValidationError(f"「{union}」不是基层工会组织，不能覆盖单位")


@transaction.atomic
def close_founded(
    item: ListItem,
    *,
    actor,
    union: UnionOrg | None = None,
    founded_on: dt.date | None = None,
    union_name: str = "",
    ip: str | None = None,
) -> ListItem:
    """销号 — 已建会: the workplace (entered from the entry if new) is covered by ``union`` (an existing
    grassroots union), or by a committee founded now under the union that holds the item. Through
    ``orgs.services``, so 组建数 and 建会率 count the new union the same day."""
    if not actor.can_edit:
        raise PermissionDenied("您的角色只能查看，不能销号")
    item = _locked(item)
    _open(item)
    if not covers(actor, item.territory):
        raise PermissionDenied("该清单项不在您的管辖范围内")
    today = timezone.localdate()
    if founded_on and founded_on > today:
        raise ValidationError("建会日期不能晚于今天")
    workplace = workplace_for(item, actor, ip)
    if union is not None:
        _usable_union(union, actor)
        orgs.cover(union, workplace)
        detail = f"已建会：由「{union}」覆盖"
    else:
        parent = item.claimed_by or item.territory
        union = orgs.found_union(workplace, parent=parent, founded_on=founded_on or today, name=union_name)
        audit.log(
            AuditEvent.Action.CREATE, union, actor=actor, ip=ip, detail=f"由未建会清单建会（{workplace}）"
        )
        detail = f"已建会：新建「{union}」（{union.founded_on:%Y-%m-%d}）"
    item.founded_union = union
    return _close(item, actor, Outcome.FOUNDED, detail, ip)


@transaction.atomic
def close_joint(item: ListItem, *, actor, union: UnionOrg, ip: str | None = None) -> ListItem:
    """销号 — 已由联合基层工会覆盖: the workplace joins an existing joint union (or grassroots federation)."""
    if not actor.can_edit:
        raise PermissionDenied("您的角色只能查看，不能销号")
    item = _locked(item)
    _open(item)
    if not covers(actor, item.territory):
        raise PermissionDenied("该清单项不在您的管辖范围内")
    _usable_union(union, actor)
    if union.kind == UnionKind.COMMITTEE:
        raise ValidationError("基层工会委员会只覆盖本单位；请选择联合基层工会或基层工会联合会")
    workplace = workplace_for(item, actor, ip)
    orgs.cover(union, workplace)
    item.founded_union = union
    return _close(item, actor, Outcome.JOINT, f"由联合基层工会「{union}」覆盖", ip)


@transaction.atomic
def close_not_eligible(
    item: ListItem, *, actor, reason: str, note: str = "", ip: str | None = None
) -> ListItem:
    """销号 — 不具备建会条件: a reason is required (注销停业 / 职工人数不足 / 已迁出 / 其他 with a note)."""
    if not actor.can_edit:
        raise PermissionDenied("您的角色只能查看，不能销号")
    if reason not in ListItem.IneligibleReason.values:
        raise ValidationError("请选择不具备建会条件的原因")
    note = (note or "").strip()
    if reason == ListItem.IneligibleReason.OTHER and not note:
        raise ValidationError("原因为「其他」时请填写原因说明")
    item = _locked(item)
    _open(item)
    if not covers(actor, item.territory):
        raise PermissionDenied("该清单项不在您的管辖范围内")
    item.ineligible_reason = reason
    item.reason_note = note[:255]
    label = ListItem.IneligibleReason(reason).label
    return _close(
        item, actor, Outcome.NOT_ELIGIBLE, f"不具备建会条件：{label}" + (f"，{note}" if note else ""), ip
    )


# --- putting entries on the list, ticking off covered ones ------------------------------------------


def _covered(workplace_ref: str = "workplace_id") -> Exists:
    return Exists(
        UnionCoverage.objects.filter(
            workplace_id=OuterRef(workplace_ref), unionorg__status=UnionOrg.Status.ACTIVE
        )
    )


def listable_entries() -> QuerySet[DirectoryEntry]:
    """Entries that belong on a list: still listed, not 注销/吊销, not waiting on the confirm page, and
    not covered by an active union (new ones, or matched workplaces still open without a union)."""
    return (
        DirectoryEntry.objects.filter(is_listed=True, is_closed=False)
        .exclude(match_method=MatchMethod.UNCERTAIN)
        .exclude(workplace__closed_on__isnull=False)
        .annotate(covered=_covered())
        .filter(covered=False)
    )


def _identity(workplace_id, uscc, region_id, name_normalized) -> tuple:
    """One registrant, whichever sources list it: the workplace it is matched to, else its USCC, else
    its normalised name in its county."""
    if workplace_id:
        return ("w", workplace_id)
    if uscc:
        return ("u", uscc)
    return ("n", region_id, name_normalized)


@dataclass
class Refreshed:
    listed: int = 0
    ticked_off: int = 0
    fed: int = 0


@transaction.atomic
def refresh_list(*, actor=None, ip: str | None = None) -> Refreshed:
    """Bring the lists up to date, set-based: the employers applicants named become entries (网上入会);
    every listable entry whose registrant has no item yet gets one (open, in the entry's territory);
    open or claimed items whose workplace is now covered by an active union are ticked off (对账销号)
    with that union. Idempotent."""
    result = Refreshed(fed=feed_from_joining())
    fields = ("workplace_id", "uscc", "region_id", "name_normalized")
    seen = {
        _identity(*row)
        for row in DirectoryEntry.objects.filter(list_item__isnull=False).values_list(*fields).iterator()
    }
    new: list[ListItem] = []
    rows = (
        listable_entries()
        .filter(list_item__isnull=True)
        .order_by("source__order", "id")
        .values_list("id", "territory_id", *fields)
    )
    for entry_id, territory_id, *identity in rows.iterator(chunk_size=5000):
        key = _identity(*identity)
        if key in seen:
            continue
        seen.add(key)
        new.append(ListItem(entry_id=entry_id, territory_id=territory_id))
    created = ListItem.objects.bulk_create(new, batch_size=1000)
    if created and created[0].pk is None:  # a backend that does not return keys
        created = list(ListItem.objects.filter(entry_id__in=[i.entry_id for i in new]))
    ListItemEvent.objects.bulk_create(
        [ListItemEvent(item=i, actor=None, action="列入清单", to_status=Status.OPEN) for i in created],
        batch_size=1000,
    )
    result.listed = len(created)

    result.ticked_off = _tick_off(ListItem.objects.all(), actor, ip)
    if result.listed or result.ticked_off or result.fed:
        audit.log(
            AuditEvent.Action.OTHER,
            actor=actor,
            ip=ip,
            detail=f"更新未建会清单：网上入会新增名录 {result.fed} 条，新列入 {result.listed} 项，"
            f"对账销号 {result.ticked_off} 项",
        )
    return result


def _tick_off(items: QuerySet[ListItem], actor, ip: str | None) -> int:
    """Close (对账销号) the open or claimed items among ``items`` whose workplace an active union now
    covers, with that union; returns how many."""
    covering = (
        items.exclude(status=Status.CLOSED)
        .filter(entry__workplace__isnull=False)
        .annotate(covered=_covered("entry__workplace_id"))
        .filter(covered=True)
        .select_related("entry")
    )
    ticked = 0
    for item in covering:
        union = (
            UnionOrg.objects.filter(
                status=UnionOrg.Status.ACTIVE, unioncoverage__workplace_id=item.entry.workplace_id
            )
            .order_by("founded_on", "pk")
            .first()
        )
        item = _locked(item)
        item.founded_union = union
        outcome = Outcome.FOUNDED if union is None or union.kind == UnionKind.COMMITTEE else Outcome.JOINT
        _close(item, actor, outcome, f"对账销号：单位已由「{union}」覆盖", ip)
        ticked += 1
    return ticked


def refresh_entry(entry: DirectoryEntry, *, actor=None, ip: str | None = None) -> Refreshed:
    """``refresh_list`` narrowed to one entry, for an answer on the confirm page: the entry gets its
    item when it has become listable and its registrant has none yet; its item is ticked off when the
    workplace it is now linked to is covered. Runs inside the caller's transaction."""
    result = Refreshed()
    if ListItem.objects.filter(entry=entry).exists():
        result.ticked_off = _tick_off(ListItem.objects.filter(entry=entry), actor, ip)
        return result
    if not listable_entries().filter(pk=entry.pk).exists():
        return result
    # The same identity as refresh_list gives a registrant, so neither path lists it twice.
    holders = DirectoryEntry.objects.filter(list_item__isnull=False)
    if entry.workplace_id:
        holders = holders.filter(workplace_id=entry.workplace_id)
    elif entry.uscc:
        holders = holders.filter(workplace__isnull=True, uscc=entry.uscc)
    else:
        holders = holders.filter(
            Q(uscc__isnull=True) | Q(uscc=""),
            workplace__isnull=True,
            region_id=entry.region_id,
            name_normalized=entry.name_normalized,
        )
    if holders.exists():
        return result
    item = ListItem.objects.create(entry=entry, territory_id=entry.territory_id)
    ListItemEvent.objects.create(item=item, actor=actor, action="列入清单", to_status=Status.OPEN)
    result.listed = 1
    return result


def county_union(region) -> UnionOrg | None:
    """The active county-level union of a county (the territory of an entry not matched to a workplace)."""
    return (
        UnionOrg.objects.filter(region=region, kind=UnionKind.COUNTY, status=UnionOrg.Status.ACTIVE)
        .order_by("pk")
        .first()
    )


def feed_from_joining() -> int:
    """网上入会 → 清单: every employer an applicant named because it has no union (name, optional USCC)
    becomes an entry of the source 网上入会 in the applicant's county — once per employer; matched by USCC,
    or by the normalised name when exactly one workplace of that county bears it. Applications refused
    or withdrawn are left out. Returns the entries created."""
    # The built-in source the code writes to (seeded by the migration; made again if a flush removed it).
    source, _ = DirectorySource.objects.get_or_create(
        code=DirectorySource.JOINING, defaults={"name": "网上入会", "editable": False, "order": 60}
    )
    applications = (
        JoinApplication.objects.filter(no_union_at_work=True, district__isnull=False)
        .exclude(employer_name="")
        .exclude(employer_name__in=NO_EMPLOYER)
        .exclude(status__in=[ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN])
        .select_related("district")
        .order_by("submitted_at", "id")
    )
    existing = set(DirectoryEntry.objects.filter(source=source).values_list("key", flat=True))
    created = 0
    for app in applications.iterator(chunk_size=2000):
        region = app.district
        normalized = normalize_org_name(app.employer_name, region.code)
        if not normalized:
            continue
        key = f"U{app.employer_uscc}" if app.employer_uscc else f"N{region.code}{normalized}"
        if key in existing:
            continue
        existing.add(key)
        workplace, method = None, MatchMethod.NEW
        if app.employer_uscc:
            workplace = Workplace.objects.filter(uscc=app.employer_uscc).first()
            method = MatchMethod.CODE if workplace else MatchMethod.NEW
        if workplace is None:
            same_name = list(Workplace.objects.filter(region=region, name_normalized=normalized)[:2])
            if len(same_name) == 1:
                workplace, method = same_name[0], MatchMethod.NAME
        territory = workplace.governing_union if workplace else county_union(region) or app.routed_union
        DirectoryEntry.objects.create(
            source=source,
            key=key[:220],
            uscc=app.employer_uscc or None,
            name=app.employer_name,
            name_normalized=normalized,
            region=region,
            territory=territory,
            workplace=workplace,
            match_method=method,
            match_confidence=100 if workplace else 0,
        )
        created += 1
    return created


# --- what the pages ask --------------------------------------------------------------------------


def overdue(queryset: QuerySet[ListItem], today: dt.date | None = None) -> QuerySet[ListItem]:
    """Claimed items past their due date."""
    return queryset.filter(status=Status.CLAIMED, due_on__lt=today or timezone.localdate())
