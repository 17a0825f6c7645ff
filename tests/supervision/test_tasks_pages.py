"""The pages of plans and tasks: attachment limits, the scoped audited evidence download, the department
user's list, decomposition with working days, the API."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.joining.workdays import add_working_days
from gonghui.supervision import tasks
from gonghui.supervision.models import Evidence, Task, TaskStatus
from tests.supervision.tasks_helpers import build_sup, checked_pdf, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def sup(registry):
    return build_sup(registry)


def upload(client, task, file):
    return client.post(
        reverse("supervision:task-evidence", args=[task.pk]), {"file": file, "note": ""}, follow=True
    )


def page_text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024)), "超过 20 MB 的上限"),
        (SimpleUploadedFile("程序.exe", b"MZ\x90\x00\x03"), "的类型不允许"),
        (SimpleUploadedFile("改名.pdf", b"MZ\x90\x00\x03\x00\x00\x00"), "扩展名与内容不符"),
    ],
)
def test_evidence_limits_refuse_and_store_nothing(as_user, sup, file, message):
    client = as_user("jinghu")
    task = sup.tasks["jinghu"]
    response = upload(client, task, file)
    assert message in page_text(response)
    assert not Evidence.objects.exists()
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED and task.events.count() == 1


def test_county_closes_with_evidence_and_the_city_accepts_through_the_pages(as_user, sup, client):
    task = sup.tasks["jinghu"]
    as_user("jinghu")
    response = client.post(reverse("supervision:task-submit", args=[task.pk]), {"note": ""}, follow=True)
    assert "至少上传一份佐证材料" in page_text(response)
    upload(client, task, pdf("会议纪要.pdf"))
    client.post(reverse("supervision:task-submit", args=[task.pk]), {"note": "请验收"})
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED
    # The county sees no accept form and its POST is refused.
    assert "accept-form" not in page_text(client.get(task.get_absolute_url()))
    assert client.post(reverse("supervision:task-accept", args=[task.pk]), {}).status_code == 403
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED
    as_user("wuhu")
    assert "accept-form" in page_text(client.get(task.get_absolute_url()))
    client.post(reverse("supervision:task-accept", args=[task.pk]), {"note": ""})
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    page = page_text(client.get(task.get_absolute_url()))
    assert "reopen-form" in page and "progress-form" not in page


def test_evidence_download_is_scoped_and_audited(as_user, registry, sup, client):
    task = sup.tasks["jinghu"]
    evidence = tasks.add_evidence(task, checked_pdf(), actor=registry.users["jinghu"])
    url = reverse("supervision:evidence-download", args=[evidence.pk])
    downloads = AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD)
    as_user("jiujiang")
    assert client.get(url).status_code == 404
    assert not downloads.exists()
    as_user("jinghu")
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    row = downloads.get()
    assert row.user == registry.users["jinghu"] and row.object_id == str(task.pk)


def test_a_sibling_county_gets_404_on_the_copy_and_its_actions(as_user, sup, client):
    task = sup.tasks["jiujiang"]
    as_user("jinghu")
    assert client.get(task.get_absolute_url()).status_code == 404
    url = reverse("supervision:task-progress", args=[task.pk])
    assert client.post(url, {"on_date": timezone.localdate(), "note": "越权"}).status_code == 404
    assert task.events.count() == 1


def test_the_department_user_lists_only_its_departments_tasks(as_user, sup, client):
    as_user(sup.dept_user)
    page = page_text(client.get(reverse("supervision:task-list")))
    assert "深化县级工会加强年" in page and "开展组织员培训" not in page
    other = sup.tasks["org_jinghu"]
    assert client.get(other.get_absolute_url()).status_code == 404
    assert (
        client.post(reverse("supervision:task-return", args=[other.pk]), {"reason": "x"}).status_code == 404
    )
    other.refresh_from_db()
    assert other.events.count() == 1
    api = client.get("/api/v1/supervision/tasks").json()
    assert {row["id"] for row in api["items"]} == {sup.tasks["jinghu"].pk, sup.tasks["jiujiang"].pk}


def test_task_list_filters_overdue_and_status(as_user, sup, client):
    late = sup.tasks["jiujiang"]
    Task.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - dt.timedelta(days=2))
    as_user("wuhu")
    url = reverse("supervision:task-list")
    overdue = page_text(client.get(url, {"status": "overdue"}))
    assert "鸠江区总工会" in overdue and "镜湖区总工会" not in overdue
    not_started = page_text(client.get(url, {"status": "not_started"}))
    assert "镜湖区总工会" in not_started and "鸠江区总工会" not in not_started
    assert client.get(url, {"status": "bogus"}).status_code == 200


def test_plan_page_counts_copies_and_decomposition_by_working_days(as_user, registry, sup, client):
    as_user("wuhu")
    page = page_text(client.get(sup.plan.get_absolute_url()))
    assert "未开始 2" in page
    url = reverse("supervision:point-decompose", args=[sup.organising.pk])
    zone = registry.unions["zone"]
    response = client.post(url, {f"u{zone.pk}": "on", "working_days": "10"})
    assert response.status_code == 302
    copy = Task.objects.get(plan_task=sup.organising, assignee=zone)
    assert copy.deadline == add_working_days(timezone.localdate(), 10)
    # Nothing chosen: a Chinese error and nothing made.
    response = client.post(url, {"working_days": ""})
    assert response.status_code == 400 and "请至少选择一个承办单位" in page_text(response)
    # A county cannot decompose the city's point.
    as_user("jinghu")
    assert client.get(url).status_code in (403, 404)


def test_departments_are_managed_per_union(as_user, registry, sup, client):
    as_user("jinghu")
    response = client.post(
        reverse("supervision:department-add"), {"name": "办公室", "order": 10, "is_active": "on"}
    )
    assert response.status_code == 302
    page = page_text(client.get(reverse("supervision:department-list")))
    assert "办公室" in page and "基层工作部" not in page  # the city's departments are not the county's
    wuhu_dept = sup.depts("基层工作部")[0]
    assert client.get(reverse("supervision:department-edit", args=[wuhu_dept.pk])).status_code == 404
    response = client.post(reverse("supervision:department-add"), {"name": "办公室", "order": 10})
    assert "本工会已有同名部门" in page_text(response)
