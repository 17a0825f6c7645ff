"""Plans and tasks through the services: decomposition, the 销号 workflow (evidence needed, return,
reopen, closed read-only), who may act, the department user's scope, deadlines as plans write them."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.supervision import plans, tasks
from gonghui.supervision.models import Department, Task, TaskEvent, TaskStatus
from tests.supervision.tasks_helpers import build_sup, checked_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def sup(registry):
    return build_sup(registry)


def audit_rows(task):
    return AuditEvent.objects.filter(object_type="supervision.task", object_id=str(task.pk))


def test_decomposition_gives_each_unit_its_copy_with_deadline_and_departments(registry, sup):
    copies = Task.objects.filter(plan_task=sup.grassroots).order_by("assignee__path")
    assert [t.assignee for t in copies] == [registry.unions["jinghu"], registry.unions["jiujiang"]]
    for task in copies:
        assert task.issuer == registry.unions["wuhu"] and task.status == TaskStatus.NOT_STARTED
        assert task.deadline == sup.grassroots.deadline
        assert [d.name for d in task.lead_departments.all()] == ["基层工作部"]
        assert task.events.get().action == "下达" and audit_rows(task).count() == 1


def test_decomposition_refuses_a_second_copy_and_a_unit_outside_the_issuers_children(registry, sup):
    before = Task.objects.count()
    with pytest.raises(ValidationError, match="已分解给镜湖区总工会"):
        plans.decompose(sup.grassroots, [plans.Assignment(registry.unions["jinghu"], None)])
    with pytest.raises(ValidationError, match="不是芜湖市总工会的下级单位"):
        plans.decompose(sup.grassroots, [plans.Assignment(registry.unions["jinghu_street"], None)])
    # The issuer may keep a copy for itself (its departments do it).
    plans.decompose(sup.grassroots, [plans.Assignment(registry.unions["wuhu"], None)])
    assert Task.objects.count() == before + 1


def test_submit_needs_evidence_then_the_issuer_accepts(registry, sup):
    task, county, city = sup.tasks["jinghu"], registry.users["jinghu"], registry.users["wuhu"]
    with pytest.raises(ValidationError, match="至少上传一份佐证材料"):
        tasks.submit(task, actor=county)
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED and task.submitted_at is None
    tasks.add_progress(task, actor=county, on_date=timezone.localdate(), note="已召开推进会")
    evidence = tasks.add_evidence(task, checked_pdf(), actor=county, note="会议纪要")
    assert evidence.name == "佐证.pdf" and evidence.size > 0 and len(evidence.sha256) == 64
    tasks.submit(task, actor=county)
    with pytest.raises(PermissionDenied):  # the assignee cannot accept its own task
        tasks.accept(task, actor=county)
    tasks.accept(task, actor=city, note="材料齐全")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.closed_by == city and task.closed_at
    actions = list(task.events.values_list("action", "from_status", "to_status"))
    assert actions[-1] == ("验收销号", "submitted", "done")
    assert [a for a, _f, _t in actions] == ["下达", "填报进展", "上传佐证", "提交销号", "验收销号"]
    assert audit_rows(task).count() == 5


def test_accept_needs_a_submitted_task(registry, sup):
    task = sup.tasks["jinghu"]
    tasks.add_evidence(task, checked_pdf(), actor=registry.users["jinghu"])
    with pytest.raises(ValidationError, match="已提交销号"):
        tasks.accept(task, actor=registry.users["wuhu"])
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.closed_at is None


def test_return_and_reopen_need_a_reason_and_closed_tasks_are_read_only(registry, sup):
    task, county, city = sup.tasks["jinghu"], registry.users["jinghu"], registry.users["wuhu"]
    tasks.add_evidence(task, checked_pdf(), actor=county)
    tasks.submit(task, actor=county)
    with pytest.raises(ValidationError, match="退回须说明原因"):
        tasks.return_task(task, actor=city, reason=" ")
    tasks.return_task(task, actor=city, reason="缺少签到表")
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.events.last().note == "缺少签到表"
    tasks.submit(task, actor=county)
    tasks.accept(task, actor=city)
    events = TaskEvent.objects.filter(task=task).count()
    for step in (
        lambda: tasks.add_progress(task, actor=county, on_date=timezone.localdate(), note="补充"),
        lambda: tasks.add_evidence(task, checked_pdf("补充.pdf"), actor=county),
        lambda: tasks.submit(task, actor=county),
    ):
        with pytest.raises((ValidationError, PermissionDenied)):
            step()
    assert TaskEvent.objects.filter(task=task).count() == events and task.evidence.count() == 1
    with pytest.raises(ValidationError, match="重新打开须说明原因"):
        tasks.reopen(task, actor=city, reason="")
    with pytest.raises(PermissionDenied):
        tasks.reopen(task, actor=county, reason="想改")
    tasks.reopen(task, actor=city, reason="复查发现问题")
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.closed_at is None and task.closed_by is None
    assert task.events.last().action == "重新打开"


def test_a_sibling_county_can_neither_see_nor_work_a_copy(registry, sup):
    task, other = sup.tasks["jiujiang"], registry.users["jinghu"]
    assert not Task.objects.visible_to(other).filter(pk=task.pk).exists()
    with pytest.raises(PermissionDenied):
        tasks.add_progress(task, actor=other, on_date=timezone.localdate(), note="越权")
    with pytest.raises(PermissionDenied):
        tasks.add_evidence(task, checked_pdf(), actor=other)
    assert task.events.count() == 1 and not task.evidence.exists()


def test_readonly_users_cannot_act(registry, sup):
    task = sup.tasks["jinghu"]
    tasks.add_evidence(task, checked_pdf(), actor=registry.users["jinghu"])
    tasks.submit(task, actor=registry.users["jinghu"])
    with pytest.raises(PermissionDenied):
        tasks.accept(task, actor=registry.users["viewer"])
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED


def test_a_department_user_sees_and_accepts_only_its_departments_tasks(registry, sup):
    dept = sup.dept_user
    visible = set(Task.objects.visible_to(dept))
    assert visible == {sup.tasks["jinghu"], sup.tasks["jiujiang"]}  # not 组织部's copy
    org_task = sup.tasks["org_jinghu"]
    tasks.add_evidence(org_task, checked_pdf(), actor=registry.users["jinghu"])
    tasks.submit(org_task, actor=registry.users["jinghu"])
    with pytest.raises(PermissionDenied):
        tasks.accept(org_task, actor=dept)
    org_task.refresh_from_db()
    assert org_task.status == TaskStatus.SUBMITTED and org_task.closed_by is None
    task = sup.tasks["jinghu"]
    tasks.add_evidence(task, checked_pdf(), actor=registry.users["jinghu"])
    tasks.submit(task, actor=registry.users["jinghu"])
    tasks.accept(task, actor=dept)  # the lead department checks the county's evidence
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.closed_by == dept
    # A department user without a department sees no task at all.
    Department.objects.get(name="基层工作部", union=registry.unions["wuhu"]).members.clear()
    assert not Task.objects.visible_to(dept).exists()


def test_overdue_is_derived_not_stored(registry, sup):
    task = sup.tasks["jinghu"]
    Task.objects.filter(pk=task.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED and task.is_overdue() and task.status_label() == "逾期"
    assert task in Task.objects.overdue()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6月底前", dt.date(2023, 6, 30)),
        ("12月31日前", dt.date(2023, 12, 31)),
        ("全年", dt.date(2023, 12, 31)),
        ("2月底", dt.date(2023, 2, 28)),
        ("三季度", dt.date(2023, 9, 30)),
        ("上半年", dt.date(2023, 6, 30)),
        ("10月中旬", dt.date(2023, 10, 20)),
        ("2023-05-08", dt.date(2023, 5, 8)),
        ("长期坚持", None),
        (dt.datetime(2023, 4, 1), dt.date(2023, 4, 1)),
    ],
)
def test_deadlines_as_plans_write_them(text, expected):
    day, original = plans.parse_deadline(text, 2023)
    assert day == expected
    assert original == ("" if isinstance(text, dt.date) else text)


def test_unreadable_deadlines_are_refused_in_chinese():
    with pytest.raises(ValidationError, match="无法识别完成时限「尽快」"):
        plans.parse_deadline("尽快", 2023)
    with pytest.raises(ValidationError, match="不是有效日期"):
        plans.parse_deadline("2月30日前", 2023)


def test_seed_departments_command_adds_the_provincial_list_once(registry, capsys):
    province = registry.unions["province"]
    call_command("seed_departments", str(province.pk))
    call_command("seed_departments", str(province.pk))
    names = list(Department.objects.filter(union=province).values_list("name", flat=True))
    assert names[:2] == ["办公室（国际联络部）", "组织部"] and len(names) == len(plans.PROVINCIAL_DEPARTMENTS)
    assert "新增 0 个部门" in capsys.readouterr().out
