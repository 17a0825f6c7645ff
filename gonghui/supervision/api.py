"""API read endpoints of supervision, scoped like the pages (shared by the app's parts: append)."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.core.api import SeekPagination, filtered, scoped, scoped_get

from .meetings_filters import MeetingFilterSet
from .models import Meeting, Task, WorkPlan
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
