"""State changes are audited by their service, in its transaction: a page, a command and a direct call
write the same row, and a page writes it once (no second row from the view)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from gonghui.accounts import services as accounts
from gonghui.accounts.models import User
from gonghui.core.models import AuditEvent
from gonghui.core.normalize import normalize_resident_id
from gonghui.members import services as membership
from gonghui.members.models import Member
from gonghui.targets.models import Snapshot, TargetPlan
from gonghui.targets.services import seed_reference, snapshot
from tests.factories import PASSWORD, clear_audit_log, make_id
from tests.targets.conftest_helpers import make_plan
from tests.targets.helpers import complete_wuhu, table_xlsx

pytestmark = pytest.mark.django_db

NEW_ID = make_id("340202", dt.date(1990, 1, 2), 61)


def login(client, key):
    assert client.login(username=f"t-{key}", password=PASSWORD)


def written():
    """Audit rows other than the log-in of the test client."""
    return AuditEvent.objects.exclude(action=AuditEvent.Action.LOGIN).count()


def events(obj, action=None):
    rows = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return rows.filter(action=action) if action else rows


def test_member_form_joins_through_the_service_one_audit_row(client, registry):
    login(client, "jinghu")
    response = client.post(
        reverse("members:member-add"),
        {
            "name": "孙审计",
            "id_number": NEW_ID,
            "union": registry.unions["jinghu_a"].pk,
            "join_date": "2024-03-01",
            "employment_status": "employed",
        },
        REMOTE_ADDR="10.7.7.7",
    )
    assert response.status_code == 302
    member = Member.objects.get(name="孙审计")
    assert member.events.count() == 1
    assert written() == 1
    event = events(member).get()
    assert (event.action, event.user, event.ip) == ("create", registry.users["jinghu"], "10.7.7.7")
    assert event.detail == f"入会：{registry.unions['jinghu_a'].name}"


def test_member_edit_page_one_audit_row_naming_the_fields_in_chinese(client, registry):
    member = registry.members["jinghu_1"]
    login(client, "jinghu")
    response = client.post(
        reverse("members:member-edit", args=[member.pk]),
        {"name": "改名后", "phone": "13900009999", "employment_status": "employed"},
        REMOTE_ADDR="10.7.7.8",
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "改名后" and member.phone == "13900009999"
    assert written() == 1
    event = events(member, "update").get()
    assert event.user == registry.users["jinghu"] and event.ip == "10.7.7.8"
    assert "姓名" in event.detail and "手机号" in event.detail and "name" not in event.detail


def test_join_called_without_a_page_is_audited_too(registry):
    applicant = membership.Applicant(resident_id=normalize_resident_id(NEW_ID), name="命令行")
    member = membership.join(applicant, registry.unions["jinghu_a"], dt.date(2024, 1, 1))
    event = events(member).get()
    assert (event.action, event.user, event.username, event.ip) == ("create", None, "", None)

    membership.update_record(member, actor=registry.users["jinghu"], changed=["姓名"], ip="10.0.0.1")
    assert events(member, "update").get().detail == "姓名"


def test_a_refused_join_leaves_no_audit_row(registry):
    holder = registry.members["jiujiang_1"]
    applicant = membership.Applicant(resident_id=normalize_resident_id(holder.id_number), name=holder.name)
    with pytest.raises(membership.AlreadyMember):
        membership.join(applicant, registry.unions["jinghu_a"], dt.date(2024, 1, 1))
    assert not AuditEvent.objects.exists()


def upload(name="目标.xlsx"):
    f = io.BytesIO(table_xlsx())
    f.name = name
    return f


def test_plan_upload_page_one_audit_row(client, registry):
    complete_wuhu(registry)
    login(client, "wuhu")
    response = client.post(
        "/targets/upload/",
        {"issuer": registry.unions["wuhu"].pk, "year": 2023, "file": upload()},
        REMOTE_ADDR="10.7.7.9",
    )
    assert response.status_code == 302
    plan = TargetPlan.objects.get()
    assert written() == 1
    event = events(plan, "create").get()
    assert event.detail == "导入 10 行" and event.user == registry.users["wuhu"] and event.ip == "10.7.7.9"


def test_plan_entry_page_one_audit_row(client, registry):
    seed_reference()
    u = registry.unions
    login(client, "wuhu")
    response = client.post(
        "/targets/entry/",
        {"issuer": u["wuhu"].pk, "year": 2024, "title": "", f"t_{u['jinghu'].pk}_members": "30"},
    )
    assert response.status_code == 302
    plan = TargetPlan.objects.get(year=2024)
    assert written() == 1
    assert events(plan, "create").get().detail == "手工填报 1 行"


def test_import_targets_command_is_audited(registry, tmp_path):
    complete_wuhu(registry)
    path = tmp_path / "目标.xlsx"
    path.write_bytes(table_xlsx())
    call_command("import_targets", str(path), "--issuer", str(registry.unions["wuhu"].pk), "--year", "2023")
    event = events(TargetPlan.objects.get(), "create").get()
    assert event.detail == "导入 10 行" and event.user is None and event.ip is None


def test_freezing_a_snapshot_is_audited_once_by_the_service(client, registry):
    plan = make_plan(registry)
    clear_audit_log()
    login(client, "wuhu")
    for _ in range(2):  # the second request finds the stored snapshot: nothing new is written
        response = client.post(f"/reports/bulletins/plan/{plan.pk}/", {"as_of": "2023-06-30"})
        assert response.status_code == 302
    snap = Snapshot.objects.get()
    # The snapshot, and the draft of its bulletin's release (拟稿 → 审核 → 签发, issue 14): one row each.
    assert written() == 2
    assert events(snap.release, "create").get().detail.startswith("通报拟稿")
    event = events(snap, "generate").get()
    assert event.user == registry.users["wuhu"]
    assert event.detail == f"生成通报数据快照：「{plan.title}」，截至 2023-06-30"
    snapshot(plan, dt.date(2023, 3, 31))  # the API or a command: the same row, without a user
    later = AuditEvent.objects.filter(action="generate", user=None).get()
    assert later.detail.endswith("截至 2023-03-31")


def test_user_page_one_audit_row_and_the_service_alone_audits_the_same(client, registry):
    login(client, "jinghu")
    response = client.post(
        "/accounts/users/add/",
        {
            "username": "new-user",
            "full_name": "新用户",
            "union": registry.unions["jinghu_street"].pk,
            "role": "county_admin",
            "is_active": "on",
            "password1": "Anhui-2024-strong",
            "password2": "Anhui-2024-strong",
        },
        REMOTE_ADDR="10.7.7.10",
    )
    assert response.status_code == 302
    user = User.objects.get(username="new-user")
    assert written() == 1
    assert events(user, "create").get().ip == "10.7.7.10"

    accounts.save_user(user, password="Another-2024-strong", view_sensitive=True, changed=["姓名"])
    event = events(user, "update").get()
    assert event.detail == "姓名、重置密码、授予查看敏感信息" and event.user is None
    assert user.can_view_sensitive


def test_member_transfer_page_writes_one_audit_row_with_the_address(client, registry):
    member = registry.members["jinghu_1"]
    login(client, "wuhu")
    response = client.post(
        reverse("members:member-transfer", args=[member.pk]),
        {"to_union": registry.unions["jiujiang_b"].pk, "date": "2024-05-01", "reason": "job_change"},
        REMOTE_ADDR="10.7.7.11",
    )
    assert response.status_code == 302
    assert written() == 1
    event = events(member, "update").get()
    assert (event.user, event.ip) == (registry.users["wuhu"], "10.7.7.11")
    assert event.detail == "会籍转接：镜湖甲公司工会委员会 → 鸠江乙公司工会委员会（工作调动）"


def test_retain_and_leave_without_a_page_are_audited(registry):
    membership.retain(registry.members["jinghu_1"], dt.date(2024, 1, 1), "retired")
    membership.leave(registry.members["jinghu_2"], dt.date(2024, 1, 1), "voluntary")
    assert events(registry.members["jinghu_1"], "update").get().detail == "保留会籍（退休）"
    assert events(registry.members["jinghu_2"], "update").get().detail == "退会（本人申请退会）"


def test_confirming_an_import_is_audited_by_the_service(registry, settings, tmp_path, monkeypatch):
    from gonghui.imports import services as imports
    from gonghui.imports.models import ImportJob

    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    monkeypatch.setattr(imports, "enqueue_job", lambda job: None)  # the worker is not what is tested
    path = tmp_path / "台账.csv"
    path.write_text("姓名\n张三\n", encoding="utf-8")
    job = imports.create_job(registry.users["jiujiang"], "members", path, path.name)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.PREVIEWED, rows=3, errors=1)
    job.refresh_from_db()
    with pytest.raises(ValueError):
        imports.confirm_job(job, skip_invalid=False, actor=registry.users["jiujiang"])
    assert not AuditEvent.objects.exists()
    imports.confirm_job(job, skip_invalid=True, actor=registry.users["jiujiang"], ip="10.7.7.12")
    event = events(job).get()
    assert (event.user, event.ip) == (registry.users["jiujiang"], "10.7.7.12")
    assert event.detail == f"确认导入（跳过 1 行错误，导入 {job.valid_rows} 行）"
