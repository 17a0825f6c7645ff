"""Issue 9 point 14: the member's own union starts a transfer out; a deadline never precedes its
request; due transfers are confirmed on a schedule by the worker, with event and audit rows."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from gonghui.accounts.models import Role, User
from gonghui.core import schedule
from gonghui.core.models import AuditEvent, Setting
from gonghui.joining import services, workdays
from gonghui.joining.models import TransferEvent, TransferRequest, TransferStatus
from gonghui.joining.tasks import auto_confirm_transfers_task
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_holding_union_starts_a_transfer_out_and_the_receiving_union_answers(joinreg):
    member = joinreg.members["jinghu_1"]  # at 镜湖甲公司工会委员会 (镜湖区), moving to 鸠江区
    tr = services.request_transfer(member, joinreg.unions["jiujiang_b"], actor=joinreg.users["jinghu"])
    assert tr.channel == TransferRequest.Channel.OUTGOING
    assert tr.answering_union == joinreg.unions["jiujiang_b"]
    with pytest.raises(services.JoiningError, match="鸠江乙公司工会委员会"):
        services.confirm_transfer(tr, joinreg.users["jinghu"])  # the starting side cannot confirm
    member.refresh_from_db()
    assert member.union == joinreg.unions["jinghu_a"]
    services.confirm_transfer(tr, joinreg.users["jiujiang"])
    member.refresh_from_db()
    tr.refresh_from_db()
    assert tr.status == TransferStatus.CONFIRMED and member.union == joinreg.unions["jiujiang_b"]
    assert [e.note for e in tr.events.all()] == ["转出工会发起转出", "确认转接"]


def test_a_union_governing_neither_side_cannot_start_a_transfer(joinreg):
    hefei = User.objects.create_user(
        "t-hefei", password=PASSWORD, union=joinreg.unions["hefei"], role=Role.CITY_ADMIN
    )
    with pytest.raises(services.JoiningError, match="只能为本工会"):
        services.request_transfer(joinreg.members["jinghu_1"], joinreg.unions["jiujiang_b"], actor=hefei)
    assert not TransferRequest.objects.exists() and not TransferEvent.objects.exists()


def test_transfer_out_through_the_page_names_the_receiving_union(client, joinreg):
    member = joinreg.members["jinghu_1"]
    client.force_login(joinreg.users["jinghu"])
    page = client.get("/join/transfers/new/").content.decode()
    assert "鸠江乙公司工会委员会" not in page  # no list of other counties' unions
    form = {"id_number": member.id_number, "name": member.name, "note": "调往鸠江乙公司"}
    bad = client.post("/join/transfers/new/", {**form, "to_union_other": "不存在的工会"})
    assert "未找到全称或统一社会信用代码为「不存在的工会」的在用工会" in bad.content.decode()
    assert not TransferRequest.objects.exists()
    done = client.post("/join/transfers/new/", {**form, "to_union_other": "鸠江乙公司工会委员会"})
    tr = TransferRequest.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/join/transfers/{tr.pk}/"
    assert tr.channel == TransferRequest.Channel.OUTGOING and tr.requested_by == joinreg.users["jinghu"]
    # The receiving side sees the confirm button, the starting side waits.
    client.force_login(joinreg.users["jiujiang"])
    assert "确认转入" in client.get(f"/join/transfers/{tr.pk}/").content.decode()
    client.force_login(joinreg.users["jinghu"])
    assert "等待「鸠江乙公司工会委员会」确认" in client.get(f"/join/transfers/{tr.pk}/").content.decode()


def test_a_deadline_never_precedes_its_request(joinreg):
    union = joinreg.unions["jinghu_a"]
    day = dt.date(2026, 1, 1)
    # Across the end of chinese_calendar's data (2026) into a year it does not know.
    while day < dt.date(2028, 1, 1):
        assert workdays.transfer_deadline(union, day) > day, day
        assert workdays.review_deadline(union, day) > day, day
        day += dt.timedelta(days=1)
    # A setting of zero or fewer working days is ignored, not honoured with an instant deadline.
    for bad in ("0", "-2"):
        workdays._DAYS.clear()
        Setting.put(workdays.TRANSFER_KEY, bad)
        assert workdays.configured_days(union, workdays.TRANSFER_KEY, 10) == 10


def test_a_backdated_request_gets_the_deadline_of_its_own_date(joinreg):
    """What the demo did wrong (期限 two days before 申请): backdating goes through the service."""
    at = timezone.now() - dt.timedelta(days=30)
    tr = services.request_transfer(joinreg.members["jinghu_2"], joinreg.unions["jiujiang_b"], at=at)
    requested = timezone.localdate(tr.requested_at)
    assert requested == timezone.localdate(at)
    assert tr.deadline == workdays.transfer_deadline(joinreg.unions["jinghu_a"], requested)
    assert requested < tr.deadline < timezone.localdate()


def test_the_demo_transfers_have_deadlines_after_their_requests(db):
    from gonghui.demo.loader import DemoSize, load_demo
    from tests.factories import load_regions

    load_regions()
    load_demo(DemoSize(grassroots=40, workplaces=150, members=2000))
    transfers = list(TransferRequest.objects.all())
    assert transfers
    for tr in transfers:
        assert tr.deadline >= timezone.localdate(tr.requested_at), (tr.requested_at, tr.deadline)
    assert any(tr.deadline < timezone.localdate() for tr in transfers)  # still one overdue to show


def test_the_worker_confirms_due_transfers_every_day(joinreg):
    path = auto_confirm_transfers_task.module_path
    assert schedule.registered()[path] == dt.time(1, 0)
    out = io.StringIO()
    call_command("schedule_tasks", stdout=out)
    assert "已加入队列" in out.getvalue()
    pending = DBTaskResult.objects.get(task_path=path, status=TaskResultStatus.READY)
    first = timezone.localtime(pending.run_after)
    assert (first.hour, first.minute) == (1, 0) and first > timezone.now()
    call_command("schedule_tasks", stdout=io.StringIO())  # idempotent
    assert DBTaskResult.objects.filter(task_path=path, status=TaskResultStatus.READY).count() == 1

    tr = services.request_transfer(
        joinreg.members["jinghu_2"], joinreg.unions["jiujiang_b"], at=timezone.now() - dt.timedelta(days=40)
    )
    # The worker claims the pending run (as db_worker does) and runs it.
    DBTaskResult.objects.filter(pk=pending.pk).update(status=TaskResultStatus.RUNNING)
    assert auto_confirm_transfers_task.func() == {"confirmed": 1, "cancelled": 0}
    tr.refresh_from_db()
    assert tr.status == TransferStatus.AUTO_CONFIRMED
    assert tr.events.last().actor_label == "系统"
    audit = AuditEvent.objects.get(
        object_type="joining.transferrequest", object_id=str(tr.pk), action=AuditEvent.Action.UPDATE
    )
    assert audit.action == AuditEvent.Action.UPDATE and "自动确认" in audit.detail
    # …and enqueued tomorrow's run.
    following = DBTaskResult.objects.get(task_path=path, status=TaskResultStatus.READY)
    assert following.pk != pending.pk and following.run_after > timezone.now()


def test_next_run_is_the_next_local_time():
    tz = timezone.get_current_timezone()
    before = dt.datetime(2026, 12, 31, 0, 30, tzinfo=tz)
    after = dt.datetime(2026, 12, 31, 1, 0, tzinfo=tz)
    assert schedule.next_run(dt.time(1, 0), before) == dt.datetime(2026, 12, 31, 1, 0, tzinfo=tz)
    assert schedule.next_run(dt.time(1, 0), after) == dt.datetime(2027, 1, 1, 1, 0, tzinfo=tz)


def test_transfer_out_from_the_member_page(client, joinreg):
    member = joinreg.members["jinghu_1"]
    client.force_login(joinreg.users["jinghu"])
    detail = client.get(f"/members/{member.pk}/").content.decode()
    link = f"/join/transfers/new/?member={member.pk}"
    assert link in detail
    page = client.get(link).content.decode()
    assert member.name in page and member.id_masked in page and 'name="id_number"' not in page
    done = client.post(link, {"member": member.pk, "to_union_other": "鸠江乙公司工会委员会", "note": ""})
    tr = TransferRequest.objects.get()
    assert done.status_code == 302 and tr.member == member
    assert tr.channel == TransferRequest.Channel.OUTGOING


def test_transfer_out_of_a_member_outside_scope_is_404(client, joinreg):
    outside = joinreg.members["jiujiang_1"]
    client.force_login(joinreg.users["jinghu"])
    assert client.get(f"/join/transfers/new/?member={outside.pk}").status_code == 404
    response = client.post(
        "/join/transfers/new/", {"member": outside.pk, "to_union_other": "镜湖甲公司工会委员会"}
    )
    assert response.status_code == 404
    assert client.get("/join/transfers/new/?member=abc").status_code == 404
    assert not TransferRequest.objects.exists()


def test_a_year_chinese_calendar_does_not_know_still_skips_the_fixed_holidays():
    # chinese_calendar 1.11 ends with 2026; 2027-01-01 (元旦) and 2027-10-01 (国庆) are Fridays.
    workdays.is_workday.cache_clear()
    assert not workdays.is_workday(dt.date(2027, 1, 1))
    assert not workdays.is_workday(dt.date(2027, 10, 1))
    assert workdays.is_workday(dt.date(2027, 1, 4))
    # A request on Thursday 2026-12-31: 元旦 and the weekend are not counted.
    assert workdays.add_working_days(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)
