"""The three lists' services: who registers what, responsibilities and tasks, the closing rules (销号
only with every task closed with evidence), reopen with a reason, closed problems read-only; every step
an event and an audit row."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.supervision import problems, tasks
from gonghui.supervision.models import Problem, ProblemEvent, Responsibility, Task, TaskStatus
from tests.supervision.lists_helpers import close_task, make_problem

pytestmark = pytest.mark.django_db


def audits(problem) -> int:
    return AuditEvent.objects.filter(object_type="supervision.problem", object_id=str(problem.pk)).count()


def test_the_county_registers_self_checks_and_the_city_its_supervision_findings(registry):
    today = timezone.localdate()
    own = problems.register_problem(
        union=registry.unions["jiujiang"],
        source=Problem.Source.SELF_CHECK,
        description="工会经费未足额拨缴",
        found_on=today,
        actor=registry.users["jiujiang"],
    )
    assert own.supervisor == registry.unions["wuhu"]
    assert own.events.get().action == "登记" and audits(own) == 1
    with pytest.raises(PermissionDenied, match="上级工会"):
        problems.register_problem(
            union=registry.unions["jiujiang"],
            source=Problem.Source.SUPERVISION,
            description="县区自称督导",
            found_on=today,
            actor=registry.users["jiujiang"],
        )
    with pytest.raises(PermissionDenied, match="自查问题只能由本县级工会登记"):
        problems.register_problem(
            union=registry.unions["jiujiang"],
            source=Problem.Source.SELF_CHECK,
            description="市总代为自查",
            found_on=today,
            actor=registry.users["wuhu"],
        )
    with pytest.raises(PermissionDenied):  # a sibling county
        problems.register_problem(
            union=registry.unions["jiujiang"],
            source=Problem.Source.SELF_CHECK,
            description="镜湖替鸠江登记",
            found_on=today,
            actor=registry.users["jinghu"],
        )
    with pytest.raises(ValidationError, match="只属于县级工会"):
        problems.register_problem(
            union=registry.unions["jinghu_street"],
            source=Problem.Source.SUPERVISION,
            description="街道",
            found_on=today,
            actor=registry.users["wuhu"],
        )
    assert Problem.objects.count() == 1 and ProblemEvent.objects.count() == 1


def test_a_task_goes_to_the_county_and_is_accepted_by_the_supervisor(registry):
    problem = make_problem(registry, n_tasks=1)
    task = problem.tasks.get()
    assert (task.assignee, task.issuer) == (registry.unions["jiujiang"], registry.unions["wuhu"])
    assert [e.action for e in problem.events.all()] == ["登记", "填写责任清单", "下达整改任务"]
    assert audits(problem) == 1  # registered; the added rows carry their own audit rows
    created = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE)
    assert created.filter(object_type="supervision.responsibility").count() == 1
    assert created.filter(object_type="supervision.task", object_id=str(task.pk)).count() == 1
    with pytest.raises(ValidationError, match="不能早于问题的发现日期"):
        problems.add_problem_task(
            problem, actor=registry.users["wuhu"], title="倒填", deadline=problem.found_on - dt.timedelta(1)
        )
    with pytest.raises(ValidationError, match="责任部门或责任工会"):
        problems.add_responsibility(problem, actor=registry.users["wuhu"], lead_title="部长")
    with pytest.raises(ValidationError, match="责任工会须为本县级工会或其下级工会"):
        problems.add_responsibility(
            problem, actor=registry.users["wuhu"], union=registry.unions["jinghu"], lead_title="主席"
        )
    assert problem.tasks.count() == 1 and problem.responsibilities.count() == 1


def test_closing_is_refused_while_a_task_is_open_and_names_it(registry):
    problem = make_problem(registry)
    first, _second = problem.tasks.order_by("pk")
    close_task(registry, first)
    events_before = problem.events.count()
    with pytest.raises(ValidationError) as refused:
        problems.close_problem(problem, actor=registry.users["wuhu"])
    assert "「整改任务2」（未开始）" in refused.value.messages[0]
    assert "整改任务1" not in refused.value.messages[0]
    problem.refresh_from_db()
    assert problem.status == Problem.Status.OPEN and problem.events.count() == events_before


def test_a_problem_without_tasks_cannot_be_closed(registry):
    problem = make_problem(registry, n_tasks=0)
    with pytest.raises(ValidationError, match="还没有整改任务"):
        problems.close_problem(problem, actor=registry.users["wuhu"])
    assert Problem.objects.get(pk=problem.pk).status == Problem.Status.OPEN


def test_closing_is_allowed_when_every_task_is_closed_with_evidence(registry):
    problem = make_problem(registry)
    for task in problem.tasks.all():
        close_task(registry, task)
    with pytest.raises(PermissionDenied, match="只有督导单位"):  # the county answers, it does not close
        problems.close_problem(problem, actor=registry.users["jiujiang"])
    assert Problem.objects.get(pk=problem.pk).status == Problem.Status.OPEN
    problems.close_problem(problem, actor=registry.users["wuhu"], note="整改到位")
    problem.refresh_from_db()
    assert problem.status == Problem.Status.CLOSED and problem.closed_by == registry.users["wuhu"]
    last = problem.events.last()
    assert (last.action, last.from_status, last.to_status, last.note) == (
        "销号",
        "open",
        "closed",
        "整改到位",
    )
    assert AuditEvent.objects.filter(object_id=str(problem.pk), detail__startswith="销号").count() == 1


def test_a_closed_problem_is_read_only_until_reopened_with_a_reason(registry):
    problem = make_problem(registry, n_tasks=1)
    task = close_task(registry, problem.tasks.get())
    problems.close_problem(problem, actor=registry.users["wuhu"])
    counts = (problem.events.count(), Task.objects.count(), Responsibility.objects.count())
    for attempt in (
        lambda: problems.add_problem_task(
            problem, actor=registry.users["wuhu"], title="再加", deadline=timezone.localdate()
        ),
        lambda: problems.add_responsibility(
            problem, actor=registry.users["jiujiang"], union=problem.union, lead_title="主席"
        ),
        lambda: problems.update_problem(
            problem,
            actor=registry.users["wuhu"],
            source=problem.source,
            description="改写",
            found_on=problem.found_on,
            severity=problem.severity,
        ),
        lambda: tasks.reopen(task, actor=registry.users["wuhu"], reason="再查"),
    ):
        with pytest.raises(ValidationError, match="已销号"):
            attempt()
    problem.refresh_from_db()
    task.refresh_from_db()
    assert problem.description.endswith("入会率偏低") and task.status == TaskStatus.DONE
    assert (problem.events.count(), Task.objects.count(), Responsibility.objects.count()) == counts
    with pytest.raises(ValidationError, match="须说明原因"):
        problems.reopen_problem(problem, actor=registry.users["wuhu"], reason="  ")
    with pytest.raises(PermissionDenied):
        problems.reopen_problem(problem, actor=registry.users["jiujiang"], reason="自行打开")
    assert Problem.objects.get(pk=problem.pk).status == Problem.Status.CLOSED
    problems.reopen_problem(problem, actor=registry.users["wuhu"], reason="回头看发现反弹")
    problem.refresh_from_db()
    assert problem.status == Problem.Status.OPEN and problem.closed_at is None
    assert problem.events.last().note == "回头看发现反弹"
    problems.add_problem_task(
        problem, actor=registry.users["wuhu"], title="巩固整改", deadline=timezone.localdate()
    )
    assert problem.tasks.count() == 2


def test_a_sibling_county_cannot_act_on_the_list(registry):
    problem = make_problem(registry, n_tasks=1)
    before = (problem.events.count(), Task.objects.count(), Responsibility.objects.count(), audits(problem))
    jinghu = registry.users["jinghu"]
    for attempt in (
        lambda: problems.add_problem_task(problem, actor=jinghu, title="越权", deadline=timezone.localdate()),
        lambda: problems.add_responsibility(problem, actor=jinghu, union=problem.union, lead_title="主席"),
        lambda: problems.close_problem(problem, actor=jinghu),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    after = (problem.events.count(), Task.objects.count(), Responsibility.objects.count(), audits(problem))
    assert after == before


def test_the_demo_lists_give_a_realistic_mix(registry):
    from types import SimpleNamespace

    from gonghui.accounts.models import Role, User
    from gonghui.supervision.board import build_board
    from gonghui.supervision.lists_demo import load_lists

    for username, key, role in [
        ("demo-wuhu", "wuhu", Role.CITY_ADMIN),
        ("demo-jiujiang", "jiujiang", Role.COUNTY_ADMIN),
        ("demo-jinghu", "jinghu", Role.COUNTY_ADMIN),
    ]:
        User.objects.create_user(username, password="x-demo-pass-1", union=registry.unions[key], role=role)
    u = registry.unions
    made = load_lists(
        SimpleNamespace(unions={"鸠江区": u["jiujiang"], "镜湖区": u["jinghu"], "wuhu": u["wuhu"]})
    )
    assert made == {"lists_problems": 10, "lists_tasks": 16}
    rows = {row.union.name: row for row in build_board(u["wuhu"]).rows}
    for name in ("鸠江区总工会", "镜湖区总工会"):
        row = rows[name]
        assert row.problems["closed"] == 1 and row.problems["open"] == 4 and row.problems["overdue"] >= 2
        assert row.tasks["done"] == 3 and row.tasks["overdue"] >= 2 and row.tasks["submitted"] == 0
    closed = Problem.objects.filter(status=Problem.Status.CLOSED)
    assert all(t.evidence.exists() for p in closed for t in p.tasks.all())
