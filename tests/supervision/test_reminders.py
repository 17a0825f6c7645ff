"""督导提醒: computed for a fixed day (tasks due and overdue, an unvisited pairing in Q4, meetings not held),
sent once through the outbox (a second run sends nothing), shown on the home page of whoever must act."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gonghui.core import console, schedule
from gonghui.joining.models import Notification
from gonghui.supervision import meetings, reminders
from gonghui.supervision.models import Meeting, Pairing, PairingVisit, PlanTask, ReminderSent, Task
from tests.supervision.tasks_helpers import build_sup

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 11, 10)  # fourth quarter: every kind of reminder is due


@pytest.fixture
def world(registry):
    """Tasks: 镜湖's copy due in 3 days, 鸠江's overdue by 2, 镜湖's 组织部 task far off. Pairings: the
    city's leader with 镜湖 (not visited this year) and with 鸠江 (visited). Meetings: 镜湖 held all three
    kinds this year (三方四家 this quarter); 鸠江 none; 经开区 none (and no accounts)."""
    sup = build_sup(registry)
    u = registry.unions
    Task.objects.filter(pk=sup.tasks["jinghu"].pk).update(deadline=TODAY + dt.timedelta(days=3))
    Task.objects.filter(pk=sup.tasks["jiujiang"].pk).update(deadline=TODAY - dt.timedelta(days=2))
    Task.objects.filter(pk=sup.tasks["org_jinghu"].pk).update(deadline=TODAY + dt.timedelta(days=40))
    for target, contact in (("jinghu", "市总领导 1"), ("jiujiang", "市总领导 2")):
        Pairing.objects.create(
            issuer=u["wuhu"], year=TODAY.year, contact_kind="leader", contact=contact, target=u[target]
        )
    PairingVisit.objects.create(
        pairing=Pairing.objects.get(target=u["jiujiang"]),
        visited_on=dt.date(2025, 5, 6),
        visitors="市总领导 2",
    )
    for kind, day in (
        (Meeting.Kind.JOINT, dt.date(2025, 3, 1)),
        (Meeting.Kind.OPENNESS, dt.date(2025, 4, 1)),
        (Meeting.Kind.TRIPARTITE, dt.date(2025, 10, 9)),
    ):
        meetings.record_meeting(
            u["jinghu"], meetings.MeetingInput(kind=kind, held_on=day, title=f"镜湖区{kind.label}")
        )
    sup.registry = registry
    return sup


def sent_pairs():
    return sorted((r.key.split(":")[0], r.recipient.username) for r in ReminderSent.objects.all())


def test_reminders_are_computed_for_the_union_that_must_act(world):
    u = world.registry.unions
    found = reminders.due(TODAY)
    by_union = {}
    for r in found:
        by_union.setdefault(r.union_id, []).append(r.key.split(":")[0])
    assert sorted(by_union[u["jinghu"].pk]) == ["task-due", "unvisited"]
    assert sorted(by_union[u["jiujiang"].pk]) == [
        "meeting-joint",
        "meeting-openness",
        "meeting-tripartite",
        "task-overdue",
    ]
    assert sorted(by_union[u["wuhu"].pk]) == ["task-due", "task-overdue", "unvisited"]
    assert sorted(by_union[u["zone"].pk]) == ["meeting-joint", "meeting-openness", "meeting-tripartite"]
    # Before Q3 only this quarter's 三方四家 is asked of the counties, and no pairing yet.
    june = {r.key.split(":")[0] for r in reminders.due(dt.date(2025, 6, 2), u["jiujiang"])}
    assert june == {"meeting-tripartite"}
    # Nothing is due for the province itself.
    assert reminders.due(TODAY, u["province"]) == []


def test_sent_once_through_the_outbox_and_a_second_run_sends_nothing(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders.send_reminders(TODAY)
    expected = sorted(
        [
            ("task-due", "t-jinghu"),
            ("task-due", "t-wuhu"),
            ("task-due", "t-dept"),  # 基层工作部 leads the task: its department user
            ("task-overdue", "t-jiujiang"),
            ("task-overdue", "t-wuhu"),
            ("task-overdue", "t-dept"),
            ("unvisited", "t-wuhu"),
            ("unvisited", "t-jinghu"),
            ("meeting-joint", "t-jiujiang"),
            ("meeting-openness", "t-jiujiang"),
            ("meeting-tripartite", "t-jiujiang"),
        ]
    )
    assert sent_pairs() == expected
    assert first["sent"] == len(expected) and first["skipped"] == 0
    outbox = Notification.objects.filter(recipient__isnull=False)
    assert outbox.count() == len(expected)
    assert {n.status for n in outbox} == {Notification.Status.LOGGED}  # handed to the sender
    assert outbox.filter(recipient=world.registry.users["jiujiang"], text__contains="三方四家").count() == 1
    assert not outbox.filter(recipient=world.registry.users["viewer"]).exists()  # read-only: not one who acts

    second = reminders.send_reminders(TODAY)
    assert second["sent"] == 0 and second["skipped"] == len(expected)
    assert outbox.count() == len(expected)

    # A new period is a new reminder: next quarter's 三方四家 is sent again, once.
    later = reminders.send_reminders(dt.date(2026, 1, 5))
    assert (
        ReminderSent.objects.filter(key__startswith="meeting-tripartite", key__endswith="2026Q1").count() == 2
    )
    assert later["sent"] >= 2


def test_the_command_and_the_daily_task(world):
    out = io.StringIO()
    call_command("send_reminders", "--json", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(result) == {"reminders", "sent", "skipped"} and result["sent"] == ReminderSent.objects.count()
    again = io.StringIO()
    call_command("send_reminders", "--json", stdout=again)
    assert json.loads(again.getvalue().strip().splitlines()[-1])["sent"] == 0
    path = "gonghui.supervision.reminders_tasks.send_reminders_task"
    assert schedule.registered()[path] == dt.time(7, 30)
    assert console.task_label(path) == "发送督导提醒"


def test_the_home_page_panel_shows_what_the_users_union_must_do(world, as_user, client):
    u = world.registry.unions
    today = timezone.localdate()
    Task.objects.filter(pk=world.tasks["jiujiang"].pk).update(deadline=today + dt.timedelta(days=2))
    Task.objects.filter(pk=world.tasks["org_jinghu"].pk).update(deadline=today - dt.timedelta(days=1))
    panel = reverse("supervision:reminder-panel", args=[u["jiujiang"].pk])
    as_user("jiujiang")
    assert panel in client.get(reverse("core:home")).content.decode()
    body = client.get(panel).content.decode()
    assert "督导提醒" in body and "深化县级工会加强年" in body and "三方四家会议" in body
    # A sibling's panel is out of reach; the city's lists its own (issuer) reminders, not a county's meetings.
    assert client.get(reverse("supervision:reminder-panel", args=[u["jinghu"].pk])).status_code == 404
    as_user("wuhu")
    city = client.get(reverse("supervision:reminder-panel", args=[u["wuhu"].pk])).content.decode()
    assert "下达给鸠江区总工会的任务" in city and "开展组织员培训" in city and "三方四家" not in city
    # The department user of 基层工作部 sees only the tasks its department leads.
    as_user(world.dept_user)
    mine = client.get(reverse("supervision:reminder-panel", args=[u["wuhu"].pk])).content.decode()
    assert "深化县级工会加强年" in mine and "开展组织员培训" not in mine


def test_a_submitted_task_reminds_only_the_issuer(world):
    u = world.registry.unions
    Task.objects.filter(pk=world.tasks["jiujiang"].pk).update(status="submitted")
    found = [r for r in reminders.due(TODAY) if r.task_id == world.tasks["jiujiang"].pk]
    assert [(r.union_id, "请验收" in r.text) for r in found] == [(u["wuhu"].pk, True)]


def test_the_panel_shows_the_first_few_of_each_kind_and_counts_the_rest(world, as_user, client):
    """Seven overdue tasks do not push the county's meeting reminders off its home page."""
    from gonghui.supervision import tasks
    from gonghui.supervision.reminders_views import PANEL_ITEMS_PER_KIND

    u = world.registry.unions
    today = timezone.localdate()
    for n in range(7):
        point = PlanTask.objects.create(plan=world.plan, number=str(10 + n), content=f"逾期任务{n}")
        tasks.create_task(
            issuer=u["wuhu"],
            assignee=u["jiujiang"],
            title=f"逾期任务{n}",
            deadline=today - dt.timedelta(days=n + 1),
            plan_task=point,
        )
    as_user("jiujiang")
    body = client.get(reverse("supervision:reminder-panel", args=[u["jiujiang"].pk])).content.decode()
    shown = sum(f"逾期任务{n}" in body for n in range(7))
    assert shown == PANEL_ITEMS_PER_KIND - 1  # the fixture's own task is the first of the five
    assert "三方四家会议" in body and "另有 3 项未列出" in body
