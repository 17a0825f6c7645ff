"""Work plans (工作计划) and their points: departments as reference data, a point's deadline as plans
write it, decomposition of a point to sub-units (each gets its own task copy).

Every change here is one transaction with its audit row; a task copy is made by ``tasks.create_task``
(its 下达 event and audit row).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.normalize import clean_text, compact
from gonghui.orgs.models import UnionOrg

from .models import Department, PlanTask, Task
from .tasks import create_task

# The provincial federation's departments (DOMAIN.md, "Supervision rhythm and lists"), in its order; the
# industry unions are the province's 产业工会 named there.
PROVINCIAL_DEPARTMENTS = (
    "办公室（国际联络部）",
    "组织部",
    "宣传教育部",
    "权益保障部",
    "劳动和经济工作部",
    "基层工作部",
    "网络工作部",
    "女职工部",
    "财务和资产管理部",
    "经审办",
    "机关党委",
    "省教科文卫体工会",
    "省财贸轻纺烟草工会",
    "省部属（直管）企事业工会",
    "职工服务中心",
)


@transaction.atomic
def seed_departments(union: UnionOrg, names: Iterable[str] = PROVINCIAL_DEPARTMENTS, actor=None) -> int:
    """The departments ``names`` for ``union`` (those it already has are left as they are): the count
    added."""
    existing = set(Department.objects.filter(union=union).values_list("name", flat=True))
    added = 0
    for order, name in enumerate(names, start=1):
        if name in existing:
            continue
        department = Department.objects.create(union=union, name=name, order=order * 10)
        audit.log(AuditEvent.Action.CREATE, department, actor=actor, detail=f"{union}新增部门「{name}」")
        added += 1
    return added


# ---------------------------------------------------------------------- 完成时限 as plans write it
_CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
NO_DATE_WORDS = ("长期", "持续", "常态", "经常性")


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def parse_deadline(raw: object, year: int) -> tuple[dt.date | None, str]:
    """(date, original text) of a 完成时限 cell: a date, 2023-06-30, 6月底前, 12月31日前, 6月中旬,
    全年 / 年底前 (31 December), 上半年, 三季度; 长期 / 持续推进 keep the text without a date. The year
    is the plan's. Anything else raises ``ValidationError`` in Chinese."""
    if raw is None or raw == "":
        return None, ""
    if isinstance(raw, dt.datetime):
        return raw.date(), ""
    if isinstance(raw, dt.date):
        return raw, ""
    text = clean_text(raw)
    key = compact(text).replace("（", "(").replace("）", ")")
    if not key:
        return None, ""
    try:
        match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(前|之前)?", key)
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3])), text
        match = re.fullmatch(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日(?:前|之前|以前)?", key)
        if match:
            return dt.date(int(match[1] or year), int(match[2]), int(match[3])), text
        match = re.fullmatch(r"(?:(\d{4})年)?(\d{1,2})月(底|末|份|内)?(?:前|之前|以前)?", key)
        if match:
            return _month_end(int(match[1] or year), int(match[2])), text
        match = re.fullmatch(r"(?:(\d{4})年)?(\d{1,2})月(上旬|中旬|下旬)(?:前|之前|以前)?", key)
        if match:
            y, m = int(match[1] or year), int(match[2])
            day = {"上旬": 10, "中旬": 20}.get(match[3])
            return (dt.date(y, m, day) if day else _month_end(y, m)), text
    except ValueError:
        raise ValidationError(f"完成时限「{text}」不是有效日期") from None
    if key in ("全年", "年底", "年底前", "年内", "年末", "年末前", "全年推进", "下半年", "年度内"):
        return dt.date(year, 12, 31), text
    if key in ("上半年", "年中", "年中前", "上半年内"):
        return dt.date(year, 6, 30), text
    match = re.fullmatch(r"第?([一二三四1-4])季度(?:末|底)?(?:前|内)?", key)
    if match:
        return _month_end(year, _CN_NUM[match[1]] * 3), text
    if any(word in key for word in NO_DATE_WORDS):
        return None, text
    raise ValidationError(
        f"无法识别完成时限「{text}」：可填日期（如 2023-06-30）或“6月底前”“12月31日前”“全年”“三季度”“长期”等"
    )


# ---------------------------------------------------------------------- departments named in a cell
_SPLIT = re.compile(r"[、，,；;/／\s]+")


def split_names(raw: object) -> list[str]:
    return [part for part in _SPLIT.split(clean_text(raw)) if part]


def _dept_key(name: str) -> str:
    return compact(name).replace("（", "(").replace("）", ")")


def department_lookup(union: UnionOrg) -> dict[str, Department]:
    """The union's active departments by name, and by the name without its bracketed part
    (办公室（国际联络部） is also 办公室)."""
    lookup: dict[str, Department] = {}
    for department in Department.objects.filter(union=union, is_active=True):
        key = _dept_key(department.name)
        lookup[key] = department
        lookup.setdefault(re.sub(r"\(.*?\)", "", key), department)
    return lookup


def resolve_departments(raw: object, lookup: dict[str, Department]) -> tuple[list[Department], list[str]]:
    """(departments found, names not found) of a cell listing departments."""
    found, unknown = [], []
    for name in split_names(raw):
        department = lookup.get(_dept_key(name))
        if department is None:
            unknown.append(name)
        elif department not in found:
            found.append(department)
    return found, unknown


# ---------------------------------------------------------------------- decomposition
@dataclass(frozen=True)
class Assignment:
    union: UnionOrg
    deadline: dt.date | None


def decomposable_units(issuer: UnionOrg):
    """Who a point can go to: the issuer's direct sub-units that are still active (a city's counties,
    zones …)."""
    return UnionOrg.objects.filter(parent=issuer, status=UnionOrg.Status.ACTIVE).order_by("path")


@transaction.atomic
def decompose(
    point: PlanTask, assignments: list[Assignment], *, actor=None, ip: str | None = None
) -> list[Task]:
    """One task copy per assignment (a direct sub-unit of the issuer, or the issuer itself: its
    departments do it), each with its own deadline and the point's lead departments. A unit that already
    has its copy, or one outside the issuer's sub-units, refuses the whole decomposition."""
    issuer = point.plan.issuer
    if not assignments:
        raise ValidationError("请至少选择一个承办单位")
    allowed = {issuer.pk, *decomposable_units(issuer).values_list("pk", flat=True)}
    outside = [a.union.name for a in assignments if a.union.pk not in allowed]
    if outside:
        raise ValidationError(f"{'、'.join(outside)}不是{issuer}的下级单位，不能分解给它")
    had = set(
        Task.objects.filter(plan_task=point, assignee__in=[a.union for a in assignments]).values_list(
            "assignee__name", flat=True
        )
    )
    if had:
        raise ValidationError(f"该任务已分解给{'、'.join(sorted(had))}，不能重复分解")
    lead = list(point.lead_departments.all())
    title = f"{point.number}. {point.content}"[:200] if point.number else point.content[:200]
    return [
        create_task(
            issuer=issuer,
            assignee=a.union,
            title=title,
            content=point.content,
            deadline=a.deadline,
            plan_task=point,
            lead_departments=lead,
            actor=actor,
            ip=ip,
        )
        for a in assignments
    ]
