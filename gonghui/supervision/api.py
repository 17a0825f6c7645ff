"""API read endpoints of supervision, scoped like the pages (shared by the app's parts: append)."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.core.api import SeekPagination, filtered, scoped, scoped_get

from .meetings_filters import MeetingFilterSet
from .models import Meeting, Pairing, PairingVisit, Problem, Task, WorkPlan
from .plans_filters import WorkPlanFilterSet
from .tasks_filters import TaskFilterSet

router = Router(tags=["督导推进"])


# ---------------------------------------------------------------------- 工作计划与任务
class PlanPointOut(Schema):
    id: int
    number: str
    content: str
    lead_departments: list[str]
    responsible_departments: list[str]
    responsible_text: str
    deadline: dt.date | None
    deadline_text: str

    @staticmethod
    def resolve_lead_departments(obj) -> list[str]:
        return [d.name for d in obj.lead_departments.all()]

    @staticmethod
    def resolve_responsible_departments(obj) -> list[str]:
        return [d.name for d in obj.responsible_departments.all()]


class WorkPlanOut(Schema):
    id: int
    issuer_id: int
    year: int
    title: str
    document_number: str


class WorkPlanDetailOut(WorkPlanOut):
    points: list[PlanPointOut]

    @staticmethod
    def resolve_points(obj) -> list:
        return list(obj.points.prefetch_related("lead_departments", "responsible_departments"))


class TaskOut(Schema):
    id: int
    issuer_id: int
    assignee_id: int
    plan_task_id: int | None
    problem_id: int | None
    title: str
    lead_departments: list[str]
    deadline: dt.date | None
    status: str
    status_label: str
    overdue: bool
    submitted_at: dt.datetime | None
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_lead_departments(obj) -> list[str]:
        return [d.name for d in obj.lead_departments.all()]

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.status_label()

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue()


@router.get("/supervision/plans", response=list[WorkPlanOut], summary="工作计划")
@paginate(SeekPagination)
def list_work_plans(request):
    return filtered(request, WorkPlanFilterSet, scoped(request, WorkPlan).order_by("id"))


@router.get("/supervision/plans/{pk}", response=WorkPlanDetailOut, summary="工作计划详情（含任务）")
def get_work_plan(request, pk: int):
    return scoped_get(request, WorkPlan, pk)


@router.get("/supervision/tasks", response=list[TaskOut], summary="工作任务")
@paginate(SeekPagination)
def list_tasks(request):
    tasks = scoped(request, Task).prefetch_related("lead_departments").order_by("id")
    return filtered(request, TaskFilterSet, tasks)


@router.get("/supervision/tasks/{pk}", response=TaskOut, summary="工作任务详情")
def get_task(request, pk: int):
    return scoped_get(request, Task, pk)


# ---------------------------------------------------------------------- 三清单与挂图作战
class ResponsibilityOut(Schema):
    id: int
    department: str | None
    union_id: int | None
    lead_title: str
    note: str

    @staticmethod
    def resolve_department(obj) -> str | None:
        return f"{obj.department.union.name}{obj.department.name}" if obj.department_id else None


class ProblemEventOut(Schema):
    at: dt.datetime
    action: str
    from_status: str
    to_status: str
    note: str


class ProblemOut(Schema):
    id: int
    union_id: int
    supervisor_id: int
    source: str
    source_label: str
    description: str
    found_on: dt.date
    severity: str
    status: str
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_source_label(obj) -> str:
        return obj.get_source_display()


class ProblemDetailOut(ProblemOut):
    responsibilities: list[ResponsibilityOut]
    tasks: list[TaskOut]
    events: list[ProblemEventOut]

    @staticmethod
    def resolve_responsibilities(obj) -> list:
        return list(obj.responsibilities.select_related("department__union"))

    @staticmethod
    def resolve_tasks(obj) -> list:
        return list(obj.tasks.prefetch_related("lead_departments").order_by("deadline", "pk"))

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.all())


class BoardRowOut(Schema):
    union_id: int
    union: str
    problems: dict[str, int]
    tasks: dict[str, int]


class BoardOut(Schema):
    as_of: dt.date
    rows: list[BoardRowOut]
    total: BoardRowOut
    overdue_tasks: int


def _board_row(row) -> dict:
    return {"union_id": row.union.pk, "union": row.union.name, **row.figures()}


@router.get("/supervision/problems", response=list[ProblemOut], summary="问题清单")
@paginate(SeekPagination)
def list_problems(request):
    from .lists_filters import ProblemFilterSet

    return filtered(request, ProblemFilterSet, scoped(request, Problem).order_by("id"))


@router.get(
    "/supervision/problems/{pk}", response=ProblemDetailOut, summary="问题详情（含责任清单、任务清单）"
)
def get_problem(request, pk: int):
    return scoped_get(request, Problem, pk)


@router.get("/supervision/board", response=BoardOut, summary="挂图作战（县级工会 × 状态）")
def get_board(request):
    from django.http import Http404

    from gonghui.core.scope import home_node

    from .board import build_board

    auth = getattr(request, "auth", None)
    user = auth if hasattr(auth, "pk") else request.user
    node = home_node(user)
    if node is None:
        raise Http404("没有可查看的县级工会")
    board = build_board(node, problems=Problem.objects.visible_to(user), tasks=Task.objects.visible_to(user))
    return {
        "as_of": board.as_of,
        "rows": [_board_row(row) for row in board.rows],
        "total": _board_row(board.total),
        "overdue_tasks": board.overdue_count,
    }


# ---------------------------------------------------------------------- 对口联系
class PairingOut(Schema):
    id: int
    issuer_id: int
    year: int
    campaign: str
    contact_kind: str
    contact: str
    department_id: int | None
    target_id: int


class PairingVisitOut(Schema):
    id: int
    pairing_id: int
    visited_on: dt.date
    visitors: str
    findings: str
    problem_ids: list[int]

    @staticmethod
    def resolve_problem_ids(obj) -> list[int]:
        return [p.pk for p in obj.problems.all()]


class CoverageGapOut(Schema):
    id: int
    name: str


class CoverageOut(Schema):
    union_id: int
    year: int
    as_of: dt.date
    counties_total: int
    counties_covered: int
    pairs: int
    pairs_visited: int
    unpaired: list[CoverageGapOut]
    unvisited_pairing_ids: list[int]


@router.get("/supervision/pairings", response=list[PairingOut], summary="对口联系")
@paginate(SeekPagination)
def list_pairings(request):
    from .pairings_filters import PairingFilterSet

    return filtered(request, PairingFilterSet, scoped(request, Pairing).order_by("id"))


@router.get("/supervision/pairings/{pk}", response=PairingOut, summary="对口联系详情")
def get_pairing(request, pk: int):
    return scoped_get(request, Pairing, pk)


@router.get("/supervision/pairing-visits", response=list[PairingVisitOut], summary="对口联系走访")
@paginate(SeekPagination)
def list_pairing_visits(request, pairing: int | None = None, year: int | None = None):
    from ninja.errors import HttpError

    visits = scoped(request, PairingVisit).prefetch_related("problems").order_by("id")
    if year is not None and not 2000 <= year <= 2100:
        raise HttpError(400, "年度应在 2000 到 2100 之间")
    if pairing is not None and not 1 <= pairing < 2**63:
        raise HttpError(400, "对口联系编号有误")
    if pairing is not None:
        visits = visits.filter(pairing_id=pairing)
    if year is not None:
        visits = visits.filter(visited_on__year=year)
    return visits


@router.get("/supervision/pairing-coverage", response=CoverageOut, summary="对口联系覆盖情况")
def get_pairing_coverage(request, year: int | None = None, union: int | None = None):
    """The user's federation (or ``union`` of its subtree): county-level unions paired at province or
    city level, and pairings visited at least once this year, with the gaps."""
    from django.utils import timezone
    from ninja.errors import HttpError

    from gonghui.core.scope import home_node
    from gonghui.orgs.models import UnionOrg

    from . import pairings

    auth = getattr(request, "auth", None)  # the token's user, or the session's
    user = auth if hasattr(auth, "pk") else request.user
    year = year if year is not None else timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise HttpError(400, "年度应在 2000 到 2100 之间")
    if union is not None and not 1 <= union < 2**63:
        raise HttpError(400, "工会编号有误")
    root = home_node(user) if union is None else UnionOrg.objects.visible_to(user).filter(pk=union).first()
    if root is None:
        raise HttpError(404, "找不到该工会或不在您的管辖范围内")
    cov = pairings.coverage(root, year)
    return {
        "union_id": root.pk,
        "year": year,
        "as_of": cov.as_of,
        "counties_total": cov.counties_total,
        "counties_covered": cov.counties_covered,
        "pairs": len(cov.pairs),
        "pairs_visited": cov.pairs_visited,
        "unpaired": [{"id": u.pk, "name": u.name} for u in cov.unpaired],
        "unvisited_pairing_ids": [p.pk for p in cov.unvisited],
    }


# ---------------------------------------------------------------------- 会议台账
class MeetingOut(Schema):
    id: int
    union_id: int
    union: str
    kind: str
    kind_label: str
    held_on: dt.date
    title: str
    participants: str
    issues_raised: int
    issues_solved: int
    issues: str
    has_minutes: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_union(obj) -> str:
        return obj.union.name

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_has_minutes(obj) -> bool:
        return bool(obj.minutes_name)


@router.get("/supervision/meetings", response=list[MeetingOut], summary="会议台账")
@paginate(SeekPagination)
def list_meetings(request):
    meetings = scoped(request, Meeting).select_related("union").order_by("id")
    return filtered(request, MeetingFilterSet, meetings)


@router.get("/supervision/meetings/{pk}", response=MeetingOut, summary="会议记录详情")
def get_meeting(request, pk: int):
    return scoped_get(request, Meeting, pk)
