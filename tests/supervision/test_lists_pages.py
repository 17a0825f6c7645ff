"""The pages and API of the three lists: a county sees only its own lists and cannot act on a
sibling's (nothing changes), the supervisor closes through the page, the add form, the Excel export
(one sheet per list, title row, header, 序号) and its audit row."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.supervision import problems
from gonghui.supervision.models import Problem, ProblemEvent, Responsibility, Task
from tests.supervision.lists_helpers import close_task, make_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(registry):
    return {"jiujiang": make_problem(registry, "jiujiang"), "jinghu": make_problem(registry, "jinghu")}


def snapshot(problem):
    return (
        Problem.objects.filter(pk=problem.pk).values_list("status", "description").get(),
        ProblemEvent.objects.filter(problem=problem).count(),
        Task.objects.filter(problem=problem).count(),
        Responsibility.objects.filter(problem=problem).count(),
        # A refused request is audited as 拒绝访问 (core's middleware); nothing else may be written.
        AuditEvent.objects.exclude(action=AuditEvent.Action.FORBIDDEN).count(),
    )


def test_a_county_sees_only_its_own_list(as_user, lists):
    client = as_user("jinghu")
    page = client.get(reverse("supervision:problem-list")).content.decode()
    assert "镜湖区总工会新就业形态" in page and "鸠江区总工会新就业形态" not in page
    other = lists["jiujiang"]
    assert client.get(reverse("supervision:problem-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("supervision:problem-edit", args=[other.pk])).status_code == 404
    api = client.get("/api/v1/supervision/problems").json()
    assert [row["id"] for row in api["items"]] == [lists["jinghu"].pk]
    assert client.get(f"/api/v1/supervision/problems/{other.pk}").status_code == 404
    board = client.get("/api/v1/supervision/board").json()
    assert [row["union"] for row in board["rows"]] == ["镜湖区总工会"]
    export = client.get(reverse("supervision:lists-export", args=[registry_pk(other)]))
    assert export.status_code == 404


def registry_pk(problem) -> int:
    return problem.union_id


def test_a_county_cannot_act_on_a_siblings_list(as_user, lists):
    client = as_user("jinghu")
    other = lists["jiujiang"]
    before = snapshot(other)
    today = timezone.localdate().isoformat()
    posts = [
        ("supervision:problem-responsibility", {"union": other.union_id, "lead_title": "主席"}),
        ("supervision:problem-task", {"title": "越权下达", "deadline": today}),
        ("supervision:problem-close", {"note": ""}),
        ("supervision:problem-reopen", {"reason": "越权"}),
        ("supervision:problem-edit", {"source": "self_check", "description": "改写", "found_on": today}),
    ]
    for name, data in posts:
        assert client.post(reverse(name, args=[other.pk]), data).status_code == 404, name
    assert snapshot(other) == before


def test_the_supervisor_sees_both_and_closes_through_the_page(as_user, registry, lists):
    problem = lists["jiujiang"]
    client = as_user("wuhu")
    page = client.get(reverse("supervision:problem-list")).content.decode()
    assert "镜湖区总工会新就业形态" in page and "鸠江区总工会新就业形态" in page
    detail = client.get(problem.get_absolute_url()).content.decode()
    assert 'id="close-refusal"' in detail and "「整改任务1」" in detail
    response = client.post(reverse("supervision:problem-close", args=[problem.pk]), {"note": ""}, follow=True)
    assert "尚未销号" in response.content.decode()
    assert Problem.objects.get(pk=problem.pk).status == Problem.Status.OPEN
    for task in problem.tasks.all():
        close_task(registry, task)
    client.post(reverse("supervision:problem-close", args=[problem.pk]), {"note": "全部整改到位"})
    assert Problem.objects.get(pk=problem.pk).status == Problem.Status.CLOSED
    detail = client.get(problem.get_absolute_url()).content.decode()
    assert 'id="reopen-form"' in detail and 'id="task-form"' not in detail
    response = client.post(
        reverse("supervision:problem-reopen", args=[problem.pk]), {"reason": ""}, follow=True
    )
    assert "请填写原因" in response.content.decode()
    assert Problem.objects.get(pk=problem.pk).status == Problem.Status.CLOSED


def test_the_county_answers_but_cannot_close(as_user, lists):
    problem = lists["jiujiang"]
    client = as_user("jiujiang")
    detail = client.get(problem.get_absolute_url()).content.decode()
    assert 'id="responsibility-form"' in detail and 'id="close-form"' not in detail
    client.post(
        reverse("supervision:problem-responsibility", args=[problem.pk]),
        {"union": problem.union_id, "lead_title": "基层工作部部长", "note": "牵头整改"},
    )
    assert problem.responsibilities.filter(lead_title="基层工作部部长").exists()
    before = snapshot(problem)
    assert client.post(reverse("supervision:problem-close", args=[problem.pk]), {}).status_code == 403
    assert snapshot(problem) == before


def test_the_add_form_registers_a_self_check_for_the_county(as_user, registry):
    client = as_user("jiujiang")
    page = client.get(reverse("supervision:problem-add")).content.decode()
    assert "自查" in page and "督导" not in page.split('name="source"')[1].split("</select>")[0]
    found = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    response = client.post(
        reverse("supervision:problem-add"),
        {
            "union": registry.unions["jiujiang"].pk,
            "source": "self_check",
            "description": "职工之家阵地使用率不高",
            "found_on": found,
            "severity": "general",
        },
    )
    problem = Problem.objects.get(description="职工之家阵地使用率不高")
    assert response.status_code == 302 and problem.events.get().action == "登记"
    assert AuditEvent.objects.filter(object_id=str(problem.pk), action=AuditEvent.Action.CREATE).count() == 1
    response = client.post(
        reverse("supervision:problem-add"),
        {
            "union": registry.unions["jinghu"].pk,
            "source": "self_check",
            "description": "越权",
            "found_on": found,
        },
    )
    assert response.status_code == 200 and not Problem.objects.filter(description="越权").exists()


def test_export_has_one_sheet_per_list_with_title_header_and_numbers(as_user, registry, lists):
    problem = lists["jiujiang"]
    close_task(registry, problem.tasks.order_by("pk").first())
    problems.add_responsibility(
        problem, actor=registry.users["wuhu"], union=registry.unions["jiujiang_b"], lead_title="工会主席"
    )
    client = as_user("wuhu")
    response = client.get(reverse("supervision:lists-export", args=[problem.union_id]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["问题清单", "责任清单", "任务清单"]
    problems_sheet, duties, task_sheet = (book[n] for n in book.sheetnames)
    assert problems_sheet["A1"].value == "鸠江区总工会问题清单"
    assert [c.value for c in problems_sheet[3]][:4] == ["序号", "问题描述", "问题来源", "严重程度"]
    assert [c.value for c in problems_sheet[4]][:4] == [
        1,
        "鸠江区总工会新就业形态劳动者入会率偏低",
        "督导",
        "较重",
    ]
    assert problems_sheet.max_row == 4  # 镜湖区's problem is not on 鸠江区's lists
    assert [r[2].value for r in duties.iter_rows(min_row=4)] == ["鸠江区总工会", "鸠江乙公司工会委员会"]
    assert [r[0].value for r in duties.iter_rows(min_row=4)] == [1, 2]
    rows = [[c.value for c in r] for r in task_sheet.iter_rows(min_row=4)]
    assert [(r[0], r[1], r[2], r[6]) for r in rows] == [
        (1, "问题1", "整改任务1", "已完成"),
        (2, "问题1", "整改任务2", "未开始"),
    ]
    assert problems_sheet.column_dimensions["B"].width > problems_sheet.column_dimensions["A"].width
    audit = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert audit.user == registry.users["wuhu"] and "问题 1 条、责任 2 条、任务 2 条" in audit.detail


def test_the_api_detail_carries_the_three_lists(as_user, lists):
    problem = lists["jiujiang"]
    body = as_user("jiujiang").get(f"/api/v1/supervision/problems/{problem.pk}").json()
    assert body["source_label"] == "督导" and len(body["tasks"]) == 2
    assert body["responsibilities"][0]["lead_title"] == "分管副主席"
    assert [e["action"] for e in body["events"]][:2] == ["登记", "填写责任清单"]
