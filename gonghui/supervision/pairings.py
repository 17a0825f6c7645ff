"""对口联系: pairings of a federation's leaders, departments and industry unions with county-level unions,
their visits (走访), the problems a visit raises, and the coverage of a federation's counties.

- Names as the provincial plan prints them are resolved here: a contact (省总领导 1 → leader; one of the
  issuer's departments → department with its row; an industry union → industry union) and the places of
  对口联系县区 (合肥市肥西县 → the county-level union of that county, through the GB/T 2260 names).
- Every change is a service: one transaction with its audit row; a visit that raises problems registers
  them on the county's 问题清单 (``problems.register_problem``: its ProblemEvent and audit row) in the
  same transaction as the visit.
- Coverage (覆盖情况) uses ``counties.county_level_unions``: the one definition of a county-level union.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.normalize import clean_text, compact
from gonghui.core.scope import home_node
from gonghui.orgs.models import UnionKind, UnionOrg
from gonghui.regions.models import Region

from . import plans, problems
from .counties import county_level_q, county_level_unions
from .models import Department, Pairing, PairingVisit, Problem

Kind = Pairing.ContactKind

# Who may pair "at province or city level" for the coverage page.
PAIRING_LEVELS = (UnionKind.PROVINCE, UnionKind.CITY)


# ---------------------------------------------------------------------- names as printed
_PLACE_SPLIT = re.compile(r"[、，,；;\s]+")
# 省总领导 1, 市总领导 2, 副主席, 党组书记 …: a leader shown by title (never a personal name needed).
_LEADER = re.compile(r"(领导|主席|书记|秘书长|巡视员|党组成员|经审会主任)\s*\d*$")


def _looks_industry(name: str) -> bool:
    """产业工会 / 行业工会 and the bodies the plans list with them (省部属（直管）企事业工会)."""
    return name.endswith(("工会", "工会联合会", "工会委员会")) or "产业" in name or "行业" in name


@dataclass(frozen=True)
class Contact:
    name: str
    kind: str
    department: Department | None = None


def resolve_contact(raw: object, lookup: dict[str, Department]) -> Contact:
    """The contact of a row of the pairing table: one of the issuer's departments (an industry union the
    federation lists among its departments keeps both: kind 产业工会, the department row), a leader by
    title, or an industry union not on the list. Anything else raises ``ValidationError``."""
    name = clean_text(raw)
    if not name:
        raise ValidationError("联系人（部门）不能为空")
    if len(name) > 100:
        raise ValidationError("联系人（部门）最多 100 字")
    found, unknown = plans.resolve_departments(name, lookup)
    department = found[0] if len(found) == 1 and not unknown else None
    if department is not None:
        kind = Kind.INDUSTRY_UNION if _looks_industry(department.name) else Kind.DEPARTMENT
        return Contact(department.name, kind, department)
    if _LEADER.search(name):
        return Contact(name, Kind.LEADER)
    if _looks_industry(name):
        return Contact(name, Kind.INDUSTRY_UNION)
    raise ValidationError(
        f"「{name}」不是本会的部门，也不是领导（如“省总领导 1”）或产业（行业）工会（部门请先在“部门”中添加）"
    )


class PlaceLookup:
    """The county-level unions of an issuer's subtree by the names a table gives their places: city name
    + county name (合肥市肥西县), or the county name alone where it is unique in the issuer's region."""

    def __init__(self, issuer: UnionOrg):
        self.issuer = issuer
        unions = county_level_unions(issuer).select_related("region")
        by_region: dict[int, UnionOrg] = {}
        for union in unions:
            # A county union before a development zone placed on the same county's region.
            current = by_region.get(union.region_id)
            if current is None or (current.kind != UnionKind.COUNTY and union.kind == UnionKind.COUNTY):
                by_region[union.region_id] = union
        self.by_region = by_region
        regions = Region.objects.filter(level=Region.Level.COUNTY).select_related("parent")
        if issuer.region_id is not None and issuer.region.level != Region.Level.COUNTY:
            regions = regions.filter(code__startswith=issuer.region.code_prefix)
        elif issuer.region_id is not None:
            regions = regions.filter(pk=issuer.region_id)
        self.names: dict[str, Region] = {}
        alone: dict[str, list[Region]] = {}
        for region in regions:
            city = region.parent.name if region.parent and region.parent.level == Region.Level.CITY else ""
            self.names[compact(city + region.name)] = region
            alone.setdefault(compact(region.name), []).append(region)
        for name, hits in alone.items():
            if len(hits) == 1:
                self.names.setdefault(name, hits[0])

    def resolve(self, place: str) -> UnionOrg:
        region = self.names.get(compact(place))
        if region is None:
            raise ValidationError(f"找不到“{place}”")
        union = self.by_region.get(region.pk)
        if union is None:
            raise ValidationError(f"“{place}”在{self.issuer}下没有县级工会")
        return union


def split_places(raw: object) -> list[str]:
    return [part for part in _PLACE_SPLIT.split(clean_text(raw)) if part]


def resolve_places(raw: object, lookup: PlaceLookup) -> tuple[list[UnionOrg], list[str]]:
    """(unions, error messages) of a 对口联系县区 cell; a place named twice counts once."""
    unions: list[UnionOrg] = []
    errors: list[str] = []
    places = split_places(raw)
    if not places:
        return [], ["对口联系县区不能为空"]
    for place in places:
        try:
            union = lookup.resolve(place)
        except ValidationError as exc:
            errors.append(exc.messages[0])
            continue
        if union not in unions:
            unions.append(union)
    return unions, errors


# ---------------------------------------------------------------------- who may act
def _issuer_admin(user, issuer_id: int) -> bool:
    node = home_node(user)
    return bool(getattr(user, "can_edit", False)) and node is not None and node.pk == issuer_id


def may_edit(user, pairing: Pairing) -> bool:
    """Only the issuing federation's administrators change or delete its pairings."""
    return _issuer_admin(user, pairing.issuer_id)


def may_pair(user) -> bool:
    """A federation with sub-units pairs its leaders and departments with them."""
    node = home_node(user)
    return bool(getattr(user, "can_edit", False)) and node is not None


def may_log_visit(user, pairing: Pairing) -> bool:
    """走访 is recorded by an administrator who sees the pairing: the issuer's, the county's own or a
    higher federation's (a sibling does not see it)."""
    return (
        bool(getattr(user, "can_edit", False))
        and Pairing.objects.visible_to(user).filter(pk=pairing.pk).exists()
    )


# ---------------------------------------------------------------------- pairings
def _clean_year(year: int) -> int:
    if not 2000 <= int(year) <= 2100:
        raise ValidationError("年度须在 2000 至 2100 之间")
    return int(year)


def _check_target(issuer: UnionOrg, target: UnionOrg) -> None:
    if target.pk == issuer.pk or not target.path.startswith(issuer.path):
        raise ValidationError(f"{target}不是{issuer}的下级单位，不能结对")
    if target.status != UnionOrg.Status.ACTIVE:
        raise ValidationError(f"{target}已撤销，不能结对")


def _clash(issuer, year, campaign, contact, target, exclude: int | None = None) -> None:
    rows = Pairing.objects.filter(issuer=issuer, year=year, campaign=campaign, contact=contact, target=target)
    if exclude:
        rows = rows.exclude(pk=exclude)
    if rows.exists():
        raise ValidationError(f"{year} 年{campaign or ''}中「{contact}」已与{target}结对")


@transaction.atomic
def create_pairing(
    *,
    issuer: UnionOrg,
    year: int,
    contact: Contact,
    target: UnionOrg,
    campaign: str = "",
    actor=None,
    ip: str | None = None,
) -> Pairing:
    """A pairing of ``issuer``'s contact with ``target`` (a union in its subtree) for ``year``."""
    year = _clean_year(year)
    campaign = clean_text(campaign)[:100]
    _check_target(issuer, target)
    if contact.department is not None and contact.department.union_id != issuer.pk:
        raise ValidationError(f"「{contact.department}」不是{issuer}的部门")
    _clash(issuer, year, campaign, contact.name, target)
    pairing = Pairing.objects.create(
        issuer=issuer,
        year=year,
        campaign=campaign,
        contact_kind=contact.kind,
        contact=contact.name,
        department=contact.department,
        target=target,
    )
    audit.log(
        AuditEvent.Action.CREATE,
        pairing,
        actor=actor,
        ip=ip,
        detail=f"对口联系：{year} 年{campaign}{contact.name}联系{target}",
    )
    return pairing


@transaction.atomic
def update_pairing(
    pairing: Pairing,
    *,
    year: int,
    contact: Contact,
    target: UnionOrg,
    campaign: str = "",
    actor=None,
    ip: str | None = None,
) -> Pairing:
    """Change a pairing: its issuer's administrators only (``PermissionDenied`` otherwise)."""
    if actor is not None and not may_edit(actor, pairing):
        raise PermissionDenied("只有结对的联系方（工会）可以修改对口联系")
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    issuer = pairing.issuer
    year = _clean_year(year)
    campaign = clean_text(campaign)[:100]
    _check_target(issuer, target)
    if contact.department is not None and contact.department.union_id != issuer.pk:
        raise ValidationError(f"「{contact.department}」不是{issuer}的部门")
    _clash(issuer, year, campaign, contact.name, target, exclude=pairing.pk)
    before = str(pairing)
    pairing.year, pairing.campaign, pairing.target = year, campaign, target
    pairing.contact, pairing.contact_kind, pairing.department = contact.name, contact.kind, contact.department
    pairing.save()
    audit.log(
        AuditEvent.Action.UPDATE, pairing, actor=actor, ip=ip, detail=f"对口联系：{before} 改为 {pairing}"
    )
    return pairing


@transaction.atomic
def delete_pairing(pairing: Pairing, *, actor=None, ip: str | None = None) -> None:
    """Delete a pairing without visits (a visited pairing is the record of the visits: it stays)."""
    if actor is not None and not may_edit(actor, pairing):
        raise PermissionDenied("只有结对的联系方（工会）可以删除对口联系")
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if pairing.visits.exists():
        raise ValidationError(f"「{pairing}」已有走访记录，不能删除")
    pk, shown = pairing.pk, str(pairing)
    pairing.delete()
    pairing.pk = pk  # the audit row names the deleted row
    audit.log(AuditEvent.Action.DELETE, pairing, actor=actor, ip=ip, detail=f"删除对口联系：{shown}")


# ---------------------------------------------------------------------- visits
@dataclass(frozen=True)
class ProblemLine:
    description: str
    severity: str = Problem.Severity.GENERAL


@transaction.atomic
def log_visit(
    pairing: Pairing,
    *,
    visited_on: dt.date,
    visitors: str,
    findings: str = "",
    problem_lines: Iterable[ProblemLine] = (),
    actor=None,
    ip: str | None = None,
) -> PairingVisit:
    """A visit (date, who went, what was found); each problem line goes on the county's 问题清单 with
    source 对口联系走访, linked to the visit — all in one transaction."""
    if actor is not None and not may_log_visit(actor, pairing):
        raise PermissionDenied("您不能登记这个对口联系的走访")
    if visited_on > timezone.localdate():
        raise ValidationError("走访日期不能晚于今天")
    visitors = clean_text(visitors)
    if not visitors:
        raise ValidationError("请填写走访人员")
    lines = [ProblemLine(clean_text(p.description), p.severity) for p in problem_lines]
    lines = [p for p in lines if p.description]
    visit = PairingVisit.objects.create(
        pairing=pairing,
        visited_on=visited_on,
        visitors=visitors[:200],
        findings=findings.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    detail = f"{visited_on:%Y-%m-%d} 走访{pairing.target}，走访人员：{visitors}"
    if lines:
        detail += f"，登记问题 {len(lines)} 个"
    audit.log(AuditEvent.Action.CREATE, visit, actor=actor, ip=ip, detail=detail)
    for line in lines:
        problems.register_problem(
            union=pairing.target,
            source=Problem.Source.VISIT,
            description=line.description,
            found_on=visited_on,
            severity=line.severity,
            visit=visit,
            actor=actor,
            ip=ip,
        )
    return visit


# ---------------------------------------------------------------------- coverage
@dataclass
class Coverage:
    """覆盖情况 of a federation's county-level unions for a year, as of a day."""

    root: UnionOrg
    year: int
    as_of: dt.date
    campaign: str = ""
    counties: list[UnionOrg] = field(default_factory=list)
    paired: dict[int, list[Pairing]] = field(default_factory=dict)  # county pk → its pairings
    unpaired: list[UnionOrg] = field(default_factory=list)
    pairs: list[Pairing] = field(default_factory=list)  # every pairing of the year in the subtree
    unvisited: list[Pairing] = field(default_factory=list)

    @property
    def counties_total(self) -> int:
        return len(self.counties)

    @property
    def counties_covered(self) -> int:
        return len(self.counties) - len(self.unpaired)

    @property
    def pairs_visited(self) -> int:
        return len(self.pairs) - len(self.unvisited)

    @property
    def complete(self) -> bool:
        return not self.unpaired and not self.unvisited


def default_as_of(year: int, today: dt.date | None = None) -> dt.date:
    """Today during the year, the year's last day for a past year."""
    today = today or timezone.localdate()
    return min(today, dt.date(year, 12, 31))


def coverage(root: UnionOrg, year: int, as_of: dt.date | None = None, campaign: str = "") -> Coverage:
    """Every county-level union under ``root``: paired at province or city level in ``year``? every
    pairing of the year in the subtree: visited at least once between 1 January and ``as_of``?"""
    as_of = as_of or default_as_of(year)
    result = Coverage(root=root, year=year, as_of=as_of, campaign=campaign)
    result.counties = list(county_level_unions(root).select_related("parent"))
    pairings = Pairing.objects.filter(year=year, target__path__startswith=root.path)
    if campaign:
        pairings = pairings.filter(campaign=campaign)
    visited = Q(visits__visited_on__gte=dt.date(year, 1, 1), visits__visited_on__lte=as_of)
    rows = list(
        pairings.select_related("issuer", "target", "department")
        .annotate(visit_count=Count("visits", filter=visited))
        .order_by("target__path", "issuer__path", "contact")
    )
    result.pairs = rows
    result.unvisited = [p for p in rows if not p.visit_count]
    for pairing in rows:
        if pairing.issuer.kind in PAIRING_LEVELS:
            result.paired.setdefault(pairing.target_id, []).append(pairing)
    result.unpaired = [c for c in result.counties if c.pk not in result.paired]
    return result


def coverage_xlsx(cov: Coverage) -> bytes:
    """The gaps as federations print them: 未结对县区 and 未走访的对口联系, one sheet each."""
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    title = f"{cov.root}{cov.year}年对口联系覆盖情况（截至{cov.as_of:%Y年%m月%d日}）"
    sheet = book.add_worksheet("未结对县区")
    sheet.write_row(0, 0, [title], bold)
    sheet.write_row(
        1,
        0,
        [
            f"县级工会 {cov.counties_total} 个，已结对 {cov.counties_covered} 个，未结对 {len(cov.unpaired)} 个"
        ],
    )
    sheet.write_row(2, 0, ["序号", "县级工会", "上级工会"], bold)
    for i, county in enumerate(cov.unpaired, start=1):
        sheet.write_row(2 + i, 0, [i, county.name, str(county.parent or "")])
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 2, 30)
    sheet = book.add_worksheet("未走访的对口联系")
    sheet.write_row(0, 0, [title], bold)
    sheet.write_row(
        1, 0, [f"对口联系 {len(cov.pairs)} 对，已走访 {cov.pairs_visited} 对，未走访 {len(cov.unvisited)} 对"]
    )
    sheet.write_row(2, 0, ["序号", "联系人（部门）", "联系方", "对口联系单位", "专项工作"], bold)
    for i, pairing in enumerate(cov.unvisited, start=1):
        sheet.write_row(
            2 + i, 0, [i, pairing.contact, str(pairing.issuer), str(pairing.target), pairing.campaign]
        )
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 4, 26)
    book.close()
    return buffer.getvalue()


def county_level_targets(root: UnionOrg):
    """Unions a pairing may target from the form: the county-level unions of ``root``'s subtree."""
    return UnionOrg.objects.filter(
        county_level_q(), path__startswith=root.path, status=UnionOrg.Status.ACTIVE
    )


def visit_count_in_year():
    """``Count`` of a pairing's visits in its own year (the list's 本年度走访)."""
    from django.db.models import F

    return Count("visits", filter=Q(visits__visited_on__year=F("year")))
