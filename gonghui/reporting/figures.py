"""The figure providers of report forms: ``register(code, label, provider)``.

A provider is ``provider(node, as_of) -> number | None``: the node's figure for its subtree as of the
day (the period's end), computed from the dated registry, events and lists — never today's value
labelled with a past date. ``None`` means the registry cannot reconstruct the figure for that day; the
form says so (``unavailable``) and the submitter fills it in with an explanation.

Providers registered here: members held and joined this year (the growth cube), grassroots unions and
the registry indicators (``targets.indicators.figures_as_of``, which already refuses a day it cannot
answer), unions founded this year, and the supervision lists (open tasks, overdue tasks, open
problems). Another app adds its own with ``register`` in its ``AppConfig.ready()``: the 年报's tables
(``reporting.annual``) register theirs there, so the 年报 report type's ``figures`` name those codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from gonghui.orgs.models import UnionOrg

Value = int | float | None
Provider = Callable[[UnionOrg, dt.date], Value]


@dataclass(frozen=True)
class FigureSource:
    code: str
    label: str
    provider: Provider
    unit: str = ""


_PROVIDERS: dict[str, FigureSource] = {}
# Several indicator figures come from one computation of the node's indicators: one per compute() call.
_MEMO: ContextVar[dict | None] = ContextVar("reporting_figures_memo", default=None)


def register(code: str, label: str, provider: Provider, unit: str = "") -> None:
    """Make ``code`` available to report types' figure blocks (re-registering replaces it)."""
    _PROVIDERS[code] = FigureSource(code, label, provider, unit)


def registered() -> dict[str, FigureSource]:
    return dict(_PROVIDERS)


def label(code: str) -> str:
    source = _PROVIDERS.get(code)
    return source.label if source else code


def compute(codes: list[str], node: UnionOrg, as_of: dt.date) -> dict[str, Value]:
    """Each code's value for ``node`` as of ``as_of``; an unknown code or a provider that cannot answer
    gives None."""
    with shared_memo():
        out: dict[str, Value] = {}
        for code in codes:
            source = _PROVIDERS.get(code)
            out[code] = source.provider(node, as_of) if source is not None else None
        return out


@contextmanager
def shared_memo() -> Iterator[None]:
    """One memo for every ``compute`` (and ``memoised``) call inside: a page that shows a report's figures
    and the tables behind them computes the 年报 once. Nested: the outermost memo is kept."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def memoised(key: tuple, make: Callable[[], Any]) -> Any:
    """``make()`` once per ``compute`` call for ``key`` (outside a compute call: every time)."""
    memo = _MEMO.get()
    if memo is None:
        return make()
    if key not in memo:
        memo[key] = make()
    return memo[key]


# ---------------------------------------------------------------------- the registry's providers
def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _indicators(node: UnionOrg, as_of: dt.date) -> dict:
    from gonghui.targets import indicators

    return memoised(("indicators", node.pk, as_of), lambda: indicators.figures_as_of(node, as_of))


def members_held(node: UnionOrg, as_of: dt.date) -> Value:
    from gonghui.targets import cube
    from gonghui.targets.asof import EPOCH

    if as_of > timezone.localdate():
        return None
    return cube.growth([node.path], EPOCH, as_of)[node.path]["net"]


def members_joined_this_year(node: UnionOrg, as_of: dt.date) -> Value:
    from gonghui.targets import cube

    if as_of > timezone.localdate():
        return None
    return cube.growth([node.path], dt.date(as_of.year, 1, 1), as_of)[node.path]["joined"]


def grassroots_unions(node: UnionOrg, as_of: dt.date) -> Value:
    return _indicators(node, as_of).get("grassroots_unions")


def unions_founded_this_year(node: UnionOrg, as_of: dt.date) -> Value:
    from gonghui.targets.growth import unions_founded

    if as_of > timezone.localdate():
        return None
    return unions_founded([node.path], dt.date(as_of.year, 1, 1), as_of)[node.path]


def indicator_rate(definition: str) -> Provider:
    def provider(node: UnionOrg, as_of: dt.date) -> Value:
        figures = _indicators(node, as_of)
        for ind in figures.get("indicators", []):
            if ind["definition"] == definition:
                return ind["total"]["rate"]
        return None

    return provider


def tasks_open(node: UnionOrg, as_of: dt.date, overdue: bool = False) -> Value:
    """Tasks addressed to the subtree that were open at the end of ``as_of``: created by then and not
    closed by then. A task reopened after the day lost its earlier closing time: then no figure."""
    from gonghui.supervision.models import Task, TaskEvent

    end = _end_of(as_of)
    if as_of > timezone.localdate():
        return None
    tasks = Task.objects.filter(assignee__path__startswith=node.path, created_at__lt=end)
    reopened = TaskEvent.objects.filter(task_id=OuterRef("pk"), action="重新打开", at__gte=end)
    if tasks.filter(Exists(reopened)).exists():
        return None
    open_then = tasks.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    if overdue:
        open_then = open_then.filter(deadline__lt=as_of)
    return open_then.count()


def problems_open(node: UnionOrg, as_of: dt.date) -> Value:
    """Problems of the subtree found by ``as_of`` and not closed by its end (none reopened since)."""
    from gonghui.supervision.models import Problem, ProblemEvent

    end = _end_of(as_of)
    if as_of > timezone.localdate():
        return None
    problems = Problem.objects.filter(union__path__startswith=node.path, found_on__lte=as_of)
    reopened = ProblemEvent.objects.filter(problem_id=OuterRef("pk"), action="重新打开", at__gte=end)
    if problems.filter(Exists(reopened)).exists():
        return None
    return problems.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end)).count()


def register_defaults() -> None:
    register("members", "会员数（在会及保留会籍）", members_held, "人")
    register("members_joined_year", "本年新入会会员数", members_joined_this_year, "人")
    register("grassroots_unions", "基层工会数", grassroots_unions, "个")
    register("unions_founded_year", "本年新建基层工会数", unions_founded_this_year, "个")
    register("legal_entity_coverage", "法人单位建会率", indicator_rate("legal_entity_coverage"), "%")
    register("coverage_25plus", "25人以上单位建会率", indicator_rate("coverage_25plus"), "%")
    register("membership_rate_all", "职工入会率（口径一）", indicator_rate("membership_rate_all"), "%")
    register("tasks_open", "未销号工作任务数", tasks_open, "项")
    register("tasks_overdue", "逾期未销号工作任务数", lambda n, d: tasks_open(n, d, overdue=True), "项")
    register("problems_open", "整改中问题数", problems_open, "个")
