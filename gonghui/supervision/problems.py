"""The three lists of a county-level union (问题清单、责任清单、任务清单): problems registered, answered for,
worked off through their tasks and closed (销号) — each step one transaction with a :class:`ProblemEvent`
and an audit row."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.orgs.models import UnionOrg

from .models import PairingVisit, Problem, ProblemEvent


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
    """A problem on ``union``'s 问题清单, supervised by ``supervisor`` (default: the union's parent)."""
    problem = Problem.objects.create(
        union=union,
        supervisor=supervisor or union.parent or union,
        source=source,
        description=description,
        found_on=found_on,
        severity=severity,
        visit=visit,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    note = f"{problem.get_source_display()}发现，{problem.get_severity_display()}"
    problem_event(problem, actor, "登记", "", note)
    audit.log(AuditEvent.Action.CREATE, problem, actor=actor, ip=ip, detail=f"问题清单：{description[:60]}")
    return problem
