"""督导提醒: what a union must act on soon, listed on its home page and sent through the outbox.

- tasks due within ``DUE_SOON_DAYS`` and overdue tasks → the assignee's users and the issuer's users (the
  administrators of each, and the department users whose department leads the task);
- from the fourth quarter, this year's pairings (对口联系) with no visit this year → the issuer's users and
  the target's users;
- county-level unions (``counties.county_level_unions``) with no 联席会议 / 厂务公开领导机构会议 this year
  from the third quarter, and with no 三方四家会议 this quarter → the county's users.

A reminder's ``key`` names the thing and its period (a task's deadline, a pairing's year, a union's year
or quarter): ``send_reminders`` writes a :class:`ReminderSent` row per key and recipient and never sends
the same reminder to the same user twice, however often it runs (daily at 07:30, or by hand).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import ADMIN_ROLES, User
from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.joining import notify
from gonghui.orgs.models import UnionOrg

from .counties import county_level_unions
from .meetings import quarter_of
from .models import Department, Meeting, Pairing, PairingVisit, ReminderSent, Task, TaskStatus

log = logging.getLogger("gonghui.supervision")

DUE_SOON_DAYS = 7
PAIRING_FROM_MONTH = 10  # 第四季度起提醒未走访的对口联系
MEETINGS_FROM_MONTH = 7  # 第三季度起提醒年内未召开的联席会议、厂务公开领导机构会议


@dataclass(frozen=True)
class Reminder:
    key: str  # the thing and its period: sent once per key and recipient
    kind: str  # 任务 / 对口联系 / 会议
    union_id: int  # the union that must act (whose users receive it)
    text: str
    url: str
    task_id: int | None = None  # a task reminder also reaches the task's lead departments' users
    department_ids: tuple[int, ...] = field(default=())


def _task_reminders(today: dt.date, union: UnionOrg | None) -> list[Reminder]:
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    rows = Task.objects.open().filter(deadline__isnull=False, deadline__lte=soon)
    if union is not None:
        rows = rows.filter(Q(assignee=union) | Q(issuer=union))
    rows = rows.select_related("assignee", "issuer").prefetch_related("lead_departments")
    out = []
    for task in rows.order_by("deadline", "pk"):
        overdue = task.deadline < today
        state = (
            f"已逾期（完成时限 {task.deadline:%Y-%m-%d}）"
            if overdue
            else f"将于 {task.deadline:%Y-%m-%d} 到期"
        )
        key = f"task-{'overdue' if overdue else 'due'}:{task.pk}:{task.deadline:%Y%m%d}"
        url = task.get_absolute_url()
        departments = tuple(d.pk for d in task.lead_departments.all())
        submitted = task.status == TaskStatus.SUBMITTED
        # A submitted task waits for the issuer's acceptance: only the issuer has something to do.
        if not submitted:
            out.append(
                Reminder(
                    key, "任务", task.assignee_id, f"任务「{task.title}」{state}，请抓紧办理", url, task.pk
                )
            )
        if task.issuer_id != task.assignee_id or submitted:
            ask = "已提交销号，请验收" if submitted else "请督促"
            out.append(
                Reminder(
                    key,
                    "任务",
                    task.issuer_id,
                    f"下达给{task.assignee}的任务「{task.title}」{state}，{ask}",
                    url,
                    task.pk,
                    departments,
                )
            )
    return out


def _pairing_reminders(today: dt.date, union: UnionOrg | None) -> list[Reminder]:
    if today.month < PAIRING_FROM_MONTH:
        return []
    visited = PairingVisit.objects.filter(pairing=OuterRef("pk"), visited_on__year=today.year)
    rows = Pairing.objects.filter(year=today.year).filter(~Exists(visited))
    if union is not None:
        rows = rows.filter(Q(issuer=union) | Q(target=union))
    out = []
    for pairing in rows.select_related("issuer", "target").order_by("pk"):
        key = f"unvisited:{pairing.pk}:{today.year}"
        out.append(
            Reminder(
                key,
                "对口联系",
                pairing.issuer_id,
                f"{pairing.contact}对口联系的{pairing.target}今年尚未走访，请在年底前安排",
                reverse("supervision:pairing-detail", args=[pairing.pk]),
            )
        )
        out.append(
            Reminder(
                key,
                "对口联系",
                pairing.target_id,
                f"{pairing.issuer}{pairing.contact}今年尚未到本单位走访，请联系安排",
                reverse("supervision:pairing-detail", args=[pairing.pk]),
            )
        )
    return out


def _meeting_reminders(today: dt.date, union: UnionOrg | None) -> list[Reminder]:
    counties = county_level_unions()
    if union is not None:
        counties = counties.filter(pk=union.pk)
    ids = list(counties.values_list("pk", flat=True))
    if not ids:
        return []
    this_year = Meeting.objects.filter(union_id__in=ids, held_on__year=today.year, held_on__lte=today)
    held = defaultdict(set)
    quarter = quarter_of(today)
    for union_id, kind, held_on in this_year.values_list("union_id", "kind", "held_on"):
        held[union_id].add(kind)
        if kind == Meeting.Kind.TRIPARTITE and quarter_of(held_on) == quarter:
            held[union_id].add("this_quarter")
    url = reverse("supervision:meeting-list")
    out = []
    for union_id in ids:
        done = held[union_id]
        if today.month >= MEETINGS_FROM_MONTH:
            for kind in (Meeting.Kind.JOINT, Meeting.Kind.OPENNESS):
                if kind not in done:
                    out.append(
                        Reminder(
                            f"meeting-{kind}:{union_id}:{today.year}",
                            "会议",
                            union_id,
                            f"今年尚未召开{kind.label}（每年至少 1 次），请按时召开并登记",
                            url,
                        )
                    )
        if "this_quarter" not in done:
            out.append(
                Reminder(
                    f"meeting-tripartite:{union_id}:{today.year}Q{quarter}",
                    "会议",
                    union_id,
                    f"本季度（第{'一二三四'[quarter - 1]}季度）尚未召开三方四家会议，请按时召开并登记",
                    url,
                )
            )
    return out


def due(today: dt.date | None = None, union: UnionOrg | None = None) -> list[Reminder]:
    """Every reminder as of ``today`` (all unions, or only those ``union`` must act on)."""
    today = today or timezone.localdate()
    found = [
        *_task_reminders(today, union),
        *_pairing_reminders(today, union),
        *_meeting_reminders(today, union),
    ]
    return [r for r in found if union is None or r.union_id == union.pk]


def for_user(user, node: UnionOrg, today: dt.date | None = None) -> list[Reminder]:
    """The reminders the home page shows a user of ``node``: those the node must act on; a department
    user only its departments' tasks (the tasks it sees)."""
    found = due(today, node)
    task_ids = {r.task_id for r in found if r.task_id}
    visible = set(Task.objects.visible_to(user).filter(pk__in=task_ids).values_list("pk", flat=True))
    return [r for r in found if r.task_id is None or r.task_id in visible]


def recipients(reminders: list[Reminder]) -> dict[int, list[User]]:
    """The users of each union a reminder goes to: its active business administrators."""
    unions = {r.union_id for r in reminders}
    users = User.objects.filter(union_id__in=unions, is_active=True, role__in=sorted(ADMIN_ROLES))
    by_union: dict[int, list[User]] = defaultdict(list)
    for user in users.order_by("pk"):
        by_union[user.union_id].append(user)
    return by_union


def _department_users(reminders: list[Reminder]) -> dict[int, list[User]]:
    ids = {d for r in reminders for d in r.department_ids}
    out: dict[int, list[User]] = defaultdict(list)
    for department in Department.objects.filter(pk__in=ids).prefetch_related("members"):
        out[department.pk] = [u for u in department.members.all() if u.is_active]
    return out


@transaction.atomic
def send_reminders(today: dt.date | None = None) -> dict[str, int]:
    """Queue every reminder due today in the outbox (``joining.notify``) for each of its recipients that
    has not had it yet; one :class:`ReminderSent` row per reminder and recipient, one audit row per run."""
    reminders = due(today)
    by_union = recipients(reminders)
    by_department = _department_users(reminders)
    already = set(
        ReminderSent.objects.filter(key__in={r.key for r in reminders}).values_list("key", "recipient_id")
    )
    sent = skipped = 0
    for reminder in reminders:
        users = list(by_union.get(reminder.union_id, []))
        for department_id in reminder.department_ids:
            users += [u for u in by_department.get(department_id, []) if u not in users]
        for user in users:
            if (reminder.key, user.pk) in already:
                skipped += 1
                continue
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(key=reminder.key, recipient=user, text=reminder.text[:300])
            except IntegrityError:  # a concurrent run sent it a moment ago
                skipped += 1
                continue
            already.add((reminder.key, user.pk))
            notify.queue("", f"【督导提醒】{reminder.text}", recipient=user)
            sent += 1
    if sent:
        audit.log(AuditEvent.Action.CREATE, None, detail=f"发送督导提醒 {sent} 条")
    log.info("督导提醒：%s 项，发送 %s 条，已发送过 %s 条", len(reminders), sent, skipped)
    return {"reminders": len(reminders), "sent": sent, "skipped": skipped}
