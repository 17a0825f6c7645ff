"""The built-in score sources with known answers, each read as of the year's end from dated records
(a task reopened after its deadline still counts as closed on time; a problem closed after the year
counts as open)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from gonghui.evaluation import builtin, sources
from gonghui.supervision.models import Meeting, Pairing, PairingVisit, Problem, ProblemEvent, Task, TaskEvent
from gonghui.targets import indicators, progress
from tests.targets.conftest_helpers import make_plan

pytestmark = pytest.mark.django_db


def at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day + " 10:00"))


def _problem(reg, found: str, steps: list[tuple[str, str]], status: str = "open") -> Problem:
    problem = Problem.objects.create(
        union=reg.unions["jinghu"], supervisor=reg.unions["wuhu"], source="self_check",
        description=f"问题{found}", found_on=dt.date.fromisoformat(found), status=status,
    )  # fmt: skip
    for day, to in [(found, "open"), *steps]:
        event = ProblemEvent.objects.create(problem=problem, action="步骤", to_status=to)
        ProblemEvent.objects.filter(pk=event.pk).update(at=at(day))
    return problem


def test_problems_closed_by_the_year_end(registry):
    _problem(registry, "2025-03-01", [("2025-11-01", "closed")], "closed")
    _problem(registry, "2025-05-01", [])
    _problem(registry, "2024-05-01", [("2024-12-01", "closed")], "closed")  # closed before the year
    _problem(registry, "2025-06-01", [("2026-01-15", "closed")], "closed")  # closed after it
    _problem(registry, "2026-01-02", [])  # found after it
    reading = builtin.problems_closed(registry.unions["jinghu"], 2025)
    assert reading.value == D(100) / 3 and reading.note == "1 / 3 项已销号"
    assert builtin.problems_closed(registry.unions["jiujiang"], 2025).value is None


def test_tasks_closed_by_their_deadline(registry):
    problem = _problem(registry, "2025-01-05", [])

    def task(deadline: str, steps: list[tuple[str, str]], status: str) -> None:
        t = Task.objects.create(
            issuer=registry.unions["wuhu"], assignee=registry.unions["jinghu"], problem=problem,
            title=f"任务{deadline}", deadline=dt.date.fromisoformat(deadline), status=status,
        )  # fmt: skip
        for day, to in [("2025-01-10", "not_started"), *steps]:
            event = TaskEvent.objects.create(task=t, action="步骤", to_status=to)
            TaskEvent.objects.filter(pk=event.pk).update(at=at(day))

    task("2025-06-30", [("2025-06-20", "done")], "done")  # on time
    task("2025-06-30", [("2025-07-15", "done")], "done")  # late
    task(
        "2025-09-30", [("2025-09-01", "done"), ("2025-10-10", "in_progress")], "in_progress"
    )  # reopened later
    task("2026-03-01", [], "not_started")  # due next year
    reading = builtin.tasks_on_time(registry.unions["jinghu"], 2025)
    assert reading.value == D(200) / 3 and reading.note == "2 / 3 项按期销号"


def test_pairings_visited_in_the_year(registry):
    u = registry.unions

    def pairing(year: int, contact: str, visits: list[str]) -> None:
        p = Pairing.objects.create(
            issuer=u["wuhu"], year=year, contact_kind="leader", contact=contact, target=u["jinghu"]
        )
        for day in visits:
            PairingVisit.objects.create(pairing=p, visited_on=dt.date.fromisoformat(day), visitors="市总领导")

    pairing(2025, "市总领导 1", ["2025-05-01", "2025-09-01"])
    pairing(2025, "市总领导 2", ["2024-12-01", "2026-01-05"])  # neither visit in 2025
    pairing(2024, "市总领导 3", ["2025-05-01"])  # another year's pairing
    reading = builtin.pairings_visited(u["jinghu"], 2025)
    assert reading.value == D(50) and reading.note == "1 / 2 对已走访"
    assert builtin.pairings_visited(u["jiujiang"], 2025).value is None


def test_joint_meetings_held_in_the_year(registry):
    jinghu = registry.unions["jinghu"]
    for day, kind in (
        ("2025-03-01", "joint"),
        ("2025-10-01", "joint"),
        ("2025-04-01", "openness"),
        ("2024-12-30", "joint"),
    ):
        Meeting.objects.create(
            union=jinghu,
            kind=kind,
            held_on=dt.date.fromisoformat(day),
            title="会议",
            issues_raised=2,
            issues_solved=1,
        )
    reading = builtin.joint_meetings(jinghu, 2025)
    assert reading.value == D(2) and reading.note == "召开 2 次，解决问题 2 个"


def test_target_completion_is_the_plans_as_of_the_year_end(registry):
    plan = make_plan(registry)
    figures = progress.compute(plan, dt.date(2023, 12, 31))
    row = next(r for r in figures["rows"] if r["union_id"] == registry.unions["jinghu"].pk)
    founded, members = row["cells"]["founded"]["pct"], row["cells"]["members"]["pct"]
    jinghu = registry.unions["jinghu"]
    assert builtin.target_founded(jinghu, 2023).value == D(str(founded))
    assert builtin.target_members(jinghu, 2023).value == D(str(members))
    assert builtin.target_org_building(jinghu, 2023).value == D(str(min(founded, members)))
    missing = builtin.target_org_building(registry.unions["zone"], 2023)
    assert missing.value is None and "没有该单位" in missing.note


def test_indicator_sources_read_the_indicators_as_of_the_year_end(registry):
    indicators.seed_indicators()
    jinghu = registry.unions["jinghu"]
    figures = indicators.figures_as_of(jinghu, dt.date(2025, 12, 31))
    total = next(i for i in figures["indicators"] if i["definition"] == "legal_entity_coverage")["total"]
    reading = sources.read("indicator_legal_entity_coverage", jinghu, 2025)
    assert reading == sources.Reading(D("100.0"), "1 / 1，截至 2025-12-31") and total["rate"] == 100.0
    # A year the registry cannot answer for: no value, and the indicators' own reason.
    early = sources.read("indicator_legal_entity_coverage", jinghu, 1990)
    assert early.value is None and early.note.startswith("不提供该日期的数据")


def test_the_registry_of_sources():
    assert sources.read("nobody_registered_this", None, 2025) == sources.Reading(None, sources.NOT_CONNECTED)
    sources.register("t_const", "测试常数", lambda unit, year: 42.123)
    try:
        assert sources.read("t_const", None, 2025).value == D("42.12")
        assert ("t_const", "测试常数") in sources.choices()
    finally:
        sources._SOURCES.pop("t_const")
    assert sources.get("pairings_visited") is not None
    assert sources.get("report_on_time").label == "半年报告按时报送率"  # connected by reporting
