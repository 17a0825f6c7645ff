"""Tasks (工作任务): created, worked on, evidenced, submitted, accepted (销号), returned, reopened.

Every state change is a service here: one transaction that writes the task, a :class:`TaskEvent` (who,
when, from → to, note) and an audit row. Views, the API, imports and commands call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.orgs.models import UnionOrg

from .models import Department, PlanTask, Problem, Task, TaskEvent, TaskStatus


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
