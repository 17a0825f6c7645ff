"""挂图作战: the county-level unions of a subtree × the status of their problems and tasks, with the
overdue items.

:func:`build_board` is set-based: the counties, then one grouped query over problems and one over tasks
per path length the counties have (a province's counties all sit at one depth, so one each), then one
query for the overdue items — a fixed number of queries however many counties there are. A row of a
county counts everything in its subtree (a task decomposed to one of its townships counts for it).
:func:`naive_board` is the straightforward per-county loop, kept only for the bench to time against.

Task columns follow the task list's statuses (逾期 is derived: open and past its deadline on ``as_of``;
an overdue task is counted as 逾期, not under its stored status), so every count links to the task list
filtered the same way and shows the same number of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from gonghui.orgs.models import UnionOrg

from .counties import county_level_unions
from .models import OVERDUE_LABEL, Problem, Task, TaskStatus

# (key, label) of the columns, in the order of the board; the key is the list filter's value.
PROBLEM_COLUMNS = [
    ("open", "整改中"),
    ("closed", "已销号"),
    ("overdue", "含逾期任务"),
]
TASK_COLUMNS = [
    (TaskStatus.NOT_STARTED.value, "未开始"),
    (TaskStatus.IN_PROGRESS.value, "推进中"),
    (TaskStatus.SUBMITTED.value, "待销号"),
    (TaskStatus.DONE.value, "已完成"),
    ("overdue", OVERDUE_LABEL),
]
OVERDUE_ITEMS = 30  # the overdue tasks listed under the board (the longest overdue first)


@dataclass
class BoardRow:
    union: UnionOrg
    problems: dict[str, int] = field(default_factory=dict)
    tasks: dict[str, int] = field(default_factory=dict)

    @property
    def problem_total(self) -> int:
        return self.problems.get("open", 0) + self.problems.get("closed", 0)

    @property
    def task_total(self) -> int:
        return sum(self.tasks.get(key, 0) for key, _ in TASK_COLUMNS)

    def figures(self) -> dict:
        return {"problems": dict(self.problems), "tasks": dict(self.tasks)}


@dataclass
class OverdueItem:
    task: Task
    county: UnionOrg | None
    days: int


@dataclass
class Board:
    as_of: dt.date
    rows: list[BoardRow]
    total: BoardRow
    overdue: list[OverdueItem]
    overdue_count: int


def _empty(union: UnionOrg) -> BoardRow:
    return BoardRow(
        union,
        problems={key: 0 for key, _ in PROBLEM_COLUMNS},
        tasks={key: 0 for key, _ in TASK_COLUMNS},
    )


def _task_key(status: str, overdue: bool) -> str:
    return "overdue" if overdue else status


def build_board(
    root: UnionOrg,
    as_of: dt.date | None = None,
    *,
    problems: QuerySet[Problem] | None = None,
    tasks: QuerySet[Task] | None = None,
) -> Board:
    """The board of the county-level unions under ``root`` (``root`` itself if it is one). ``problems``
    and ``tasks``: the rows the viewer may see (``visible_to``), default all."""
    as_of = as_of or timezone.localdate()
    counties = list(county_level_unions(root))
    rows = {c.path: _empty(c) for c in counties}
    total = _empty(root)
    problems = Problem.objects.all() if problems is None else problems
    tasks = Task.objects.all() if tasks is None else tasks
    late = Q(deadline__lt=as_of) & ~Q(status=TaskStatus.DONE)
    late_task = Task.objects.filter(late, problem=OuterRef("pk"))
    for length in sorted({len(c.path) for c in counties}):
        paths = {c.path for c in counties if len(c.path) == length}
        grouped_problems = (
            problems.filter(union__path__startswith=root.path)
            .annotate(county=Substr("union__path", 1, length), has_late=Exists(late_task))
            .values("county", "status", "has_late")
            .annotate(n=Count("pk"))
            .order_by()
        )
        # Groups whose prefix is no county (the city's own rows, a deeper county's subtree) are skipped:
        # cheaper than matching the prefixes in SQL against a long list.
        for found in grouped_problems:
            row = rows.get(found["county"]) if found["county"] in paths else None
            if row is None:
                continue
            row.problems[found["status"]] += found["n"]
            if found["has_late"] and found["status"] == Problem.Status.OPEN:
                row.problems["overdue"] += found["n"]
        grouped_tasks = (
            tasks.filter(assignee__path__startswith=root.path)
            .annotate(
                county=Substr("assignee__path", 1, length),
                late=Case(When(late, then=Value(True)), default=Value(False)),
            )
            .values("county", "status", "late")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for found in grouped_tasks:
            if found["county"] in paths:
                rows[found["county"]].tasks[_task_key(found["status"], found["late"])] += found["n"]
    ordered = [rows[c.path] for c in counties]
    for row in ordered:
        for key in row.problems:
            total.problems[key] += row.problems[key]
        for key in row.tasks:
            total.tasks[key] += row.tasks[key]
    # The overdue tasks of the counties' subtrees, longest overdue first: one ordered query read until
    # enough rows fall under a county (the few that do not — the city's own tasks — are skipped).
    lengths = sorted({len(c.path) for c in counties})
    overdue_rows: list[Task] = []
    if counties:
        late_tasks = (
            tasks.filter(
                assignee__path__startswith=root.path, assignee__depth__gte=min(c.depth for c in counties)
            )
            .overdue(as_of)
            .select_related("assignee")
            .order_by("deadline", "pk")
        )
        for task in late_tasks.iterator(chunk_size=OVERDUE_ITEMS * 4):
            if any(task.assignee.path[:n] in rows for n in lengths):
                overdue_rows.append(task)
                if len(overdue_rows) == OVERDUE_ITEMS:
                    break
    items = []
    for task in overdue_rows:
        county = next(
            (rows[task.assignee.path[:n]].union for n in lengths if task.assignee.path[:n] in rows), None
        )
        items.append(OverdueItem(task, county, (as_of - task.deadline).days if task.deadline else 0))
    return Board(as_of, ordered, total, items, total.tasks["overdue"])


def naive_board(root: UnionOrg, as_of: dt.date | None = None) -> list[BoardRow]:
    """The straightforward way, for the bench only: per county, one COUNT per column."""
    as_of = as_of or timezone.localdate()
    result = []
    for county in county_level_unions(root):
        row = _empty(county)
        problems = Problem.objects.filter(union__path__startswith=county.path)
        row.problems["open"] = problems.filter(status=Problem.Status.OPEN).count()
        row.problems["closed"] = problems.filter(status=Problem.Status.CLOSED).count()
        late_ids = Task.objects.overdue(as_of).values("problem_id")
        row.problems["overdue"] = problems.filter(status=Problem.Status.OPEN, pk__in=late_ids).count()
        tasks = Task.objects.filter(assignee__path__startswith=county.path)
        for key, _label in TASK_COLUMNS:
            if key == "overdue":
                row.tasks[key] = tasks.overdue(as_of).count()
            elif key == TaskStatus.DONE:
                row.tasks[key] = tasks.filter(status=key).count()
            else:
                row.tasks[key] = tasks.filter(status=key).exclude(deadline__lt=as_of).count()
        result.append(row)
    return result
