"""Shared set-up of the three-list tests: a 鸠江区 problem found by 芜湖市's 督导, with one responsibility
and two tasks (issued by 芜湖市, the supervisor), and the steps that close a task with evidence."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gonghui.supervision import problems, tasks
from gonghui.supervision.models import Problem, Task
from tests.factories import Registry
from tests.supervision.tasks_helpers import checked_pdf


def make_problem(reg: Registry, county: str = "jiujiang", n_tasks: int = 2) -> Problem:
    union = reg.unions[county]
    problem = problems.register_problem(
        union=union,
        source=Problem.Source.SUPERVISION,
        description=f"{union.name}新就业形态劳动者入会率偏低",
        found_on=timezone.localdate() - dt.timedelta(days=20),
        severity=Problem.Severity.IMPORTANT,
        actor=reg.users["wuhu"],
    )
    problems.add_responsibility(problem, actor=reg.users["wuhu"], union=union, lead_title="分管副主席")
    for i in range(n_tasks):
        problems.add_problem_task(
            problem,
            actor=reg.users["wuhu"],
            title=f"整改任务{i + 1}",
            deadline=timezone.localdate() + dt.timedelta(days=10),
        )
    return problem


def close_task(reg: Registry, task: Task, county: str = "jiujiang") -> Task:
    """The county uploads evidence and submits; the supervisor (芜湖市) accepts."""
    tasks.add_evidence(task, checked_pdf(), actor=reg.users[county])
    tasks.submit(task, actor=reg.users[county])
    return tasks.accept(task, actor=reg.users["wuhu"])
