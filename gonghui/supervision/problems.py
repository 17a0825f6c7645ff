"""The three lists of a county-level union (问题清单、责任清单、任务清单): problems registered, answered for,
worked off through their tasks and closed (销号) — each step one transaction with a :class:`ProblemEvent`
and an audit row."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.orgs.models import UnionOrg

from .counties import is_county_level
from .models import (
    Department,
    PairingVisit,
    Problem,
    ProblemEvent,
    Responsibility,
    Task,
    TaskStatus,
)


def problem_event(problem: Problem, actor, action: str, before: str = "", note: str = "") -> ProblemEvent:
    return ProblemEvent.objects.create(
        problem=problem,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_status=before,
        to_status=problem.status,
        note=note,
    )


@transaction.atomic
def register_problem(
    *,
    union: UnionOrg,
    source: str,
    description: str,
    found_on: dt.date,
    severity: str = Problem.Severity.GENERAL,
    supervisor: UnionOrg | None = None,
    visit: PairingVisit | None = None,
    actor=None,
    ip: str | None = None,
) -> Problem:
    """A problem on ``union``'s 问题清单, supervised by ``supervisor`` (default: the union's parent).
    With a user as ``actor`` the rules of :func:`check_new_problem` apply (who may register what)."""
    check_new_problem(actor, union, source, description, found_on)
    problem = Problem.objects.create(
        union=union,
        supervisor=supervisor or union.parent or union,
        source=source,
        description=description.strip(),
        found_on=found_on,
        severity=severity,
        visit=visit,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    note = f"{problem.get_source_display()}发现，{problem.get_severity_display()}"
    problem_event(problem, actor, "登记", "", note)
    audit.log(AuditEvent.Action.CREATE, problem, actor=actor, ip=ip, detail=f"问题清单：{description[:60]}")
    return problem


# ---------------------------------------------------------------------- who may do what
def _home(user):
    from gonghui.core.scope import home_node

    return home_node(user)


def may_register(user, union: UnionOrg, source: str) -> bool:
    """The county registers its own 自查 problems (and what a paired contact found on a visit it logs);
    a union above it (调研 / 督导 / 对口联系走访) registers on the county's list."""
    node = _home(user)
    if node is None or not getattr(user, "can_edit", False) or not union.path.startswith(node.path):
        return False
    if node.pk == union.pk:
        return source in (Problem.Source.SELF_CHECK, Problem.Source.VISIT)
    return source != Problem.Source.SELF_CHECK


def may_manage(user, problem: Problem) -> bool:
    """责任清单、任务清单 and the problem's text: the county's administrators and those of any union above
    it (the supervisor among them)."""
    node = _home(user)
    return (
        node is not None
        and bool(getattr(user, "can_edit", False))
        and problem.union.path.startswith(node.path)
    )


def may_close(user, problem: Problem) -> bool:
    """销号 and 重新打开: the supervising union's administrators (or a union above the supervisor) — never
    the county that answers for the problem."""
    node = _home(user)
    return (
        node is not None
        and bool(getattr(user, "can_edit", False))
        and node.pk != problem.union_id
        and problem.supervisor.path.startswith(node.path)
    )


def _locked(problem: Problem) -> Problem:
    return Problem.objects.select_for_update().select_related("union", "supervisor").get(pk=problem.pk)


def refuse_closed(problem: Problem) -> None:
    if problem.status == Problem.Status.CLOSED:
        raise ValidationError("问题已销号，不能再修改；如需继续整改，请由督导单位重新打开")


def _logged(problem: Problem, actor, action: str, before: str, note: str, ip: str | None) -> None:
    problem_event(problem, actor, action, before, note)
    audit.log(
        AuditEvent.Action.UPDATE, problem, actor=actor, ip=ip, detail=f"{action}{'：' + note if note else ''}"
    )


def check_new_problem(actor, union: UnionOrg, source: str, description: str, found_on: dt.date) -> None:
    """What registering needs, in the words the form and the service both show."""
    # The three lists belong to county-level unions; a visit of a campaign pairing (a city, a key
    # enterprise) may still put what it found on that union's list.
    if source != Problem.Source.VISIT and not is_county_level(union):
        raise ValidationError("问题清单只属于县级工会（县区总工会、市直属开发区总工会）")
    if getattr(actor, "pk", None) and not may_register(actor, union, source):
        if source == Problem.Source.SELF_CHECK:
            raise PermissionDenied("自查问题只能由本县级工会登记")
        raise PermissionDenied("只有本县级工会（自查）或上级工会（调研、督导、对口联系走访）可以登记问题")
    if not description.strip():
        raise ValidationError("请填写问题描述")
    if found_on > timezone.localdate():
        raise ValidationError("发现日期不能晚于今天")


# ---------------------------------------------------------------------- the steps
@transaction.atomic
def update_problem(
    problem: Problem,
    *,
    actor,
    source: str,
    description: str,
    found_on: dt.date,
    severity: str,
    ip: str | None = None,
) -> Problem:
    """The problem's own fields, while it is open; the event names what changed."""
    problem = _locked(problem)
    if not may_manage(actor, problem):
        raise PermissionDenied("只有本县级工会或上级工会可以修改问题")
    refuse_closed(problem)
    node = _home(actor)
    if source != problem.source and node is not None and not may_register(actor, problem.union, source):
        raise PermissionDenied("不能改成该问题来源")
    if not description.strip():
        raise ValidationError("请填写问题描述")
    if found_on > timezone.localdate():
        raise ValidationError("发现日期不能晚于今天")
    values = {
        "source": source,
        "description": description.strip(),
        "found_on": found_on,
        "severity": severity,
    }
    changed = [
        str(Problem._meta.get_field(name).verbose_name)
        for name, value in values.items()
        if getattr(problem, name) != value
    ]
    for name, value in values.items():
        setattr(problem, name, value)
    problem.save(update_fields=[*values, "updated_at"])
    _logged(problem, actor, "修改", problem.status, "、".join(changed) or "未改动", ip)
    return problem


@transaction.atomic
def add_responsibility(
    problem: Problem,
    *,
    actor,
    lead_title: str,
    department: Department | None = None,
    union: UnionOrg | None = None,
    note: str = "",
    ip: str | None = None,
) -> Responsibility:
    """责任清单: who answers for the problem — a department of a federation or a union — and the lead
    person by title."""
    problem = _locked(problem)
    if not may_manage(actor, problem):
        raise PermissionDenied("只有本县级工会或上级工会可以填写责任清单")
    refuse_closed(problem)
    if department is None and union is None:
        raise ValidationError("请选择责任部门或责任工会")
    if not lead_title.strip():
        raise ValidationError("请填写牵头负责人的职务")
    # The department belongs to the county or a federation above it; the union is the county or under it.
    if department is not None and not problem.union.path.startswith(department.union.path):
        raise ValidationError("责任部门须属于本县级工会或其上级工会")
    if union is not None and not union.path.startswith(problem.union.path):
        raise ValidationError("责任工会须为本县级工会或其下级工会")
    row = Responsibility.objects.create(
        problem=problem,
        department=department,
        union=union,
        lead_title=lead_title.strip()[:50],
        note=note.strip()[:200],
    )
    note = str(row) + (f"（{row.note}）" if row.note else "")
    problem_event(problem, actor, "填写责任清单", problem.status, note)
    # The audit row names the row added (the problem itself is unchanged).
    audit.log(AuditEvent.Action.CREATE, row, actor=actor, ip=ip, detail=f"责任清单：{note}；问题：{problem}")
    return row


@transaction.atomic
def add_problem_task(
    problem: Problem,
    *,
    actor,
    title: str,
    deadline: dt.date,
    content: str = "",
    ip: str | None = None,
) -> Task:
    """任务清单: a task under the problem, addressed to the problem's union and accepted (销号) by its
    supervisor."""
    from . import tasks

    problem = _locked(problem)
    if not may_manage(actor, problem):
        raise PermissionDenied("只有本县级工会或上级工会可以填写任务清单")
    refuse_closed(problem)
    if not title.strip():
        raise ValidationError("请填写整改任务")
    if deadline < problem.found_on:
        raise ValidationError("完成时限不能早于问题的发现日期")
    task = tasks.create_task(
        issuer=problem.supervisor,
        assignee=problem.union,
        problem=problem,
        title=title.strip()[:200],
        content=content.strip(),
        deadline=deadline,
        actor=actor,
        ip=ip,
    )
    # The task's own audit row (create_task, same transaction) records this step; the event is the problem's.
    problem_event(
        problem, actor, "下达整改任务", problem.status, f"{task.title}，完成时限 {deadline:%Y-%m-%d}"
    )
    return task


def open_tasks_refusal(problem: Problem) -> str:
    """Why the problem cannot be closed yet, naming its open tasks; '' when it can."""
    rows = list(problem.tasks.order_by("deadline", "pk"))
    if not rows:
        return "问题还没有整改任务，不能销号：请先在任务清单中下达整改任务并完成"
    today = timezone.localdate()
    pending = [t for t in rows if t.status != TaskStatus.DONE]
    if pending:
        named = "、".join(f"「{t.title}」（{t.status_label(today)}）" for t in pending[:5])
        more = f"等 {len(pending)} 项" if len(pending) > 5 else ""
        return f"以下整改任务尚未销号，问题不能销号：{named}{more}"
    bare = [t for t in rows if not t.evidence.exists()]
    if bare:
        return "以下整改任务没有佐证材料，问题不能销号：" + "、".join(f"「{t.title}」" for t in bare[:5])
    return ""


@transaction.atomic
def close_problem(problem: Problem, *, actor, note: str = "", ip: str | None = None) -> Problem:
    """销号: the supervisor closes a problem whose tasks are all closed with evidence; read-only from now
    on, except for a reopen."""
    problem = _locked(problem)
    if not may_close(actor, problem):
        raise PermissionDenied("只有督导单位可以为问题销号")
    if problem.status == Problem.Status.CLOSED:
        raise ValidationError("问题已经销号")
    refusal = open_tasks_refusal(problem)
    if refusal:
        raise ValidationError(refusal)
    before = problem.status
    problem.status = Problem.Status.CLOSED
    problem.closed_at = timezone.now()
    problem.closed_by = actor if getattr(actor, "pk", None) else None
    problem.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    _logged(problem, actor, "销号", before, note.strip(), ip)
    return problem


@transaction.atomic
def reopen_problem(problem: Problem, *, actor, reason: str, ip: str | None = None) -> Problem:
    """重新打开: the supervisor reopens a closed problem (整改中) with the reason; its closed tasks stay
    closed, new tasks may be added."""
    problem = _locked(problem)
    if not may_close(actor, problem):
        raise PermissionDenied("只有督导单位可以重新打开问题")
    if problem.status != Problem.Status.CLOSED:
        raise ValidationError("只有已销号的问题才能重新打开")
    if not reason.strip():
        raise ValidationError("重新打开须说明原因")
    before = problem.status
    problem.status = Problem.Status.OPEN
    problem.closed_at = None
    problem.closed_by = None
    problem.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    _logged(problem, actor, "重新打开", before, reason.strip(), ip)
    return problem
