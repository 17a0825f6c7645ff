"""Tasks (工作任务): created, worked on, evidenced, submitted, accepted (销号), returned, reopened.

Every state change is a service here: one transaction that writes the task, a :class:`TaskEvent` (who,
when, from → to, note) and an audit row. Views, the API, imports and commands call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.uploads import CheckedUpload
from gonghui.orgs.models import UnionOrg

from .models import (
    Department,
    Evidence,
    PlanTask,
    Problem,
    Task,
    TaskEvent,
    TaskStatus,
    is_department_user,
)


def task_event(
    task: Task, actor, action: str, before: str = "", note: str = "", on_date: dt.date | None = None
) -> TaskEvent:
    return TaskEvent.objects.create(
        task=task,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_status=before,
        to_status=task.status,
        note=note,
        on_date=on_date,
    )


@transaction.atomic
def create_task(
    *,
    issuer: UnionOrg,
    assignee: UnionOrg,
    title: str,
    deadline: dt.date | None,
    plan_task: PlanTask | None = None,
    problem: Problem | None = None,
    content: str = "",
    lead_departments: Iterable[Department] = (),
    actor=None,
    ip: str | None = None,
) -> Task:
    """A new task addressed to ``assignee`` (from a plan point or a problem), 未开始."""
    task = Task.objects.create(
        issuer=issuer,
        assignee=assignee,
        plan_task=plan_task,
        problem=problem,
        title=title,
        content=content,
        deadline=deadline,
        status=TaskStatus.NOT_STARTED,
    )
    task.lead_departments.set(list(lead_departments))
    note = f"{issuer}下达给{assignee}" + (f"，完成时限 {deadline:%Y-%m-%d}" if deadline else "")
    task_event(task, actor, "下达", "", note)
    audit.log(AuditEvent.Action.CREATE, task, actor=actor, ip=ip, detail=note)
    return task


# ---------------------------------------------------------------------- who may act
def _node(user):
    from gonghui.core.scope import home_node

    return home_node(user)


def _acts_for(user, union_id: int) -> bool:
    """An administrator of that union, or a department user of it (who only ever holds tasks its
    departments lead: ``Task.objects.visible_to``)."""
    node = _node(user)
    if node is None or node.pk != union_id:
        return False
    return bool(user.can_edit) or is_department_user(user)


def works_on(user, task: Task) -> bool:
    """进展、佐证、提交销号: the assignee's administrators and the department users whose department
    leads the task."""
    return _acts_for(user, task.assignee_id) and Task.objects.visible_to(user).filter(pk=task.pk).exists()


def may_work(user, task: Task) -> bool:
    """Whether the page offers the assignee's forms: never on a closed task."""
    return task.status != TaskStatus.DONE and works_on(user, task)


def may_accept(user, task: Task) -> bool:
    """销号、退回、重新打开: the issuer's administrators and its department users leading the task."""
    return _acts_for(user, task.issuer_id) and Task.objects.visible_to(user).filter(pk=task.pk).exists()


def _locked(task: Task) -> Task:
    """The task re-read under a row lock: the checks below look at its current status."""
    return Task.objects.select_for_update().get(pk=task.pk)


def _refuse_closed(task: Task) -> None:
    if task.status == TaskStatus.DONE:
        raise ValidationError("任务已销号，不能再修改；如需继续办理，请由下达单位重新打开")


def _label(status: str) -> str:
    return TaskStatus(status).label if status else ""


def _changed(task: Task, actor, action: str, before: str, note: str, ip, on_date=None) -> None:
    task_event(task, actor, action, before, note, on_date)
    change = f"（{_label(before)} → {task.get_status_display()}）" if before != task.status else ""
    audit.log(
        AuditEvent.Action.UPDATE,
        task,
        actor=actor,
        ip=ip,
        detail=f"{action}{change}{'：' + note if note else ''}",
    )


# ---------------------------------------------------------------------- the steps
@transaction.atomic
def add_progress(task: Task, *, actor, on_date: dt.date, note: str, ip: str | None = None) -> Task:
    """A progress note (the date the work was done and what was done); a task not started starts."""
    task = _locked(task)
    if not works_on(actor, task):
        raise PermissionDenied("只有承办单位可以填报进展")
    _refuse_closed(task)
    if not note.strip():
        raise ValidationError("请填写进展情况")
    if on_date > timezone.localdate():
        raise ValidationError("进展日期不能晚于今天")
    before = task.status
    if task.status == TaskStatus.NOT_STARTED:
        task.status = TaskStatus.IN_PROGRESS
        task.save(update_fields=["status", "updated_at"])
    _changed(task, actor, "填报进展", before, note.strip(), ip, on_date)
    return task


@transaction.atomic
def add_evidence(
    task: Task, upload: CheckedUpload, *, actor, note: str = "", ip: str | None = None
) -> Evidence:
    """A checked file (``core.uploads.check_upload``) stored sealed as evidence of the task."""
    task = _locked(task)
    if not works_on(actor, task):
        raise PermissionDenied("只有承办单位可以上传佐证材料")
    _refuse_closed(task)
    evidence = Evidence(
        task=task,
        name=upload.name,
        size=upload.size,
        content_type=upload.content_type,
        sha256=upload.sha256,
        note=note.strip()[:200],
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    evidence.file.save(upload.name, upload.file, save=False)
    evidence.save()
    before = task.status
    if task.status == TaskStatus.NOT_STARTED:
        task.status = TaskStatus.IN_PROGRESS
        task.save(update_fields=["status", "updated_at"])
    _changed(
        task, actor, "上传佐证", before, upload.name + (f"（{evidence.note}）" if evidence.note else ""), ip
    )
    return evidence


@transaction.atomic
def submit(task: Task, *, actor, note: str = "", ip: str | None = None) -> Task:
    """提交销号: the assignee asks the issuer to accept; at least one evidence file is needed."""
    task = _locked(task)
    if not works_on(actor, task):
        raise PermissionDenied("只有承办单位可以提交销号")
    _refuse_closed(task)
    if task.status == TaskStatus.SUBMITTED:
        raise ValidationError("任务已提交销号，正等待下达单位验收")
    if not task.evidence.exists():
        raise ValidationError("提交销号前请至少上传一份佐证材料")
    before = task.status
    task.status = TaskStatus.SUBMITTED
    task.submitted_at = timezone.now()
    task.save(update_fields=["status", "submitted_at", "updated_at"])
    _changed(task, actor, "提交销号", before, note.strip(), ip)
    return task


@transaction.atomic
def accept(task: Task, *, actor, note: str = "", ip: str | None = None) -> Task:
    """销号: the issuer accepts the evidence; the task is 已完成 and read-only from now on."""
    task = _locked(task)
    if not may_accept(actor, task):
        raise PermissionDenied("只有下达单位可以验收销号")
    if task.status != TaskStatus.SUBMITTED:
        raise ValidationError("只有承办单位已提交销号的任务才能验收")
    if not task.evidence.exists():
        raise ValidationError("任务没有佐证材料，不能销号")
    before = task.status
    task.status = TaskStatus.DONE
    task.closed_at = timezone.now()
    task.closed_by = actor if getattr(actor, "pk", None) else None
    task.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    _changed(task, actor, "验收销号", before, note.strip(), ip)
    return task


@transaction.atomic
def return_task(task: Task, *, actor, reason: str, ip: str | None = None) -> Task:
    """退回: the issuer sends a submitted task back (推进中) with the reason."""
    task = _locked(task)
    if not may_accept(actor, task):
        raise PermissionDenied("只有下达单位可以退回")
    if task.status != TaskStatus.SUBMITTED:
        raise ValidationError("只有已提交销号的任务才能退回")
    if not reason.strip():
        raise ValidationError("退回须说明原因")
    before = task.status
    task.status = TaskStatus.IN_PROGRESS
    task.submitted_at = None
    task.save(update_fields=["status", "submitted_at", "updated_at"])
    _changed(task, actor, "退回", before, reason.strip(), ip)
    return task


@transaction.atomic
def reopen(task: Task, *, actor, reason: str, ip: str | None = None) -> Task:
    """重新打开: the issuer reopens a closed task (推进中), with the reason; the only change a closed
    task accepts."""
    task = _locked(task)
    if not may_accept(actor, task):
        raise PermissionDenied("只有下达单位可以重新打开任务")
    if task.status != TaskStatus.DONE:
        raise ValidationError("只有已销号的任务才能重新打开")
    if task.problem_id and Problem.objects.filter(pk=task.problem_id, status=Problem.Status.CLOSED).exists():
        # A closed problem is read-only: its tasks reopen only after the problem itself is reopened.
        raise ValidationError("所属问题已销号，请先由督导单位重新打开问题")
    if not reason.strip():
        raise ValidationError("重新打开须说明原因")
    before = task.status
    task.status = TaskStatus.IN_PROGRESS
    task.closed_at = None
    task.closed_by = None
    task.submitted_at = None
    task.save(update_fields=["status", "closed_at", "closed_by", "submitted_at", "updated_at"])
    _changed(task, actor, "重新打开", before, reason.strip(), ip)
    return task
