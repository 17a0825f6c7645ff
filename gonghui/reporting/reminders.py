"""Reminders before a report's due date and the overdue list, through joining's outbox.

``send_reminders(today)`` runs daily (``reporting.tasks``): for every active type, the periods whose
due date is at most ``remind_working_days`` working days ahead (即将到期) or already passed within the
last year (已逾期), it finds the submitting units with no submitted report — two queries per period —
and queues one message per unit and kind (``ReportReminder`` keeps it from being sent twice). The
message goes into the outbox (``joining.notify.queue``) addressed to each active administrator account
of the unit (unaddressed when the unit has none); the pluggable sender delivers it (the default records
and logs).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import ADMIN_ROLES, User
from gonghui.joining import notify
from gonghui.joining.workdays import working_days_between
from gonghui.orgs.models import UnionOrg

from . import periods
from .calendar import SUBMITTED_STATES
from .models import Report, ReportReminder, ReportType
from .submitters import submitters_q

LOOKBACK_DAYS = 366


@dataclass
class Pending:
    report_type: ReportType
    period: periods.Period
    due: dt.date
    unit_id: int
    unit_name: str
    report_id: int | None

    @property
    def overdue_days(self) -> int:
        return (timezone.localdate() - self.due).days


def _recent_periods(rtype: ReportType, today: dt.date) -> list[periods.Period]:
    last = periods.containing(rtype.period_kind, today)
    first = today - dt.timedelta(days=LOOKBACK_DAYS)
    return [p for p in periods.periods_between(rtype.period_kind, first, last.end) if p.end < today]


def pending(
    root: UnionOrg | None = None, today: dt.date | None = None, overdue_only: bool = False
) -> list[Pending]:
    """Units (in ``root``'s subtree) whose report of an ended period is not submitted yet: overdue ones,
    and those due within the type's reminder window (unless ``overdue_only``)."""
    today = today or timezone.localdate()
    out = []
    for rtype in ReportType.objects.filter(is_active=True):
        units = UnionOrg.objects.filter(submitters_q(rtype), status=UnionOrg.Status.ACTIVE)
        if root is not None:
            units = units.filter(path__startswith=root.path)
        unit_rows = list(units.order_by("path").values_list("pk", "name"))
        if not unit_rows:
            continue
        for period in _recent_periods(rtype, today):
            due = periods.due_date(period.end, rtype.due_working_days)
            soon = due >= today and working_days_between(today, due) <= rtype.remind_working_days
            if not (due < today or (soon and not overdue_only)):
                continue
            found = {
                node_id: (status, pk)
                for node_id, status, pk in Report.objects.filter(
                    report_type=rtype, period_start=period.start, node__in=units
                ).values_list("node_id", "status", "pk")
            }
            for unit_id, name in unit_rows:
                status, report_id = found.get(unit_id, (None, None))
                if status in SUBMITTED_STATES:
                    continue
                out.append(Pending(rtype, period, due, unit_id, name, report_id))
    out.sort(key=lambda p: (p.due, p.unit_name))
    return out


@transaction.atomic
def send_reminders(today: dt.date | None = None) -> dict[str, int]:
    """Queue today's reminders; each (type, unit, period, kind) once."""
    today = today or timezone.localdate()
    sent = {"due_soon": 0, "overdue": 0}
    items = pending(today=today)
    admins: dict[int, list[User]] = {}
    for user in User.objects.filter(
        union_id__in={i.unit_id for i in items}, is_active=True, role__in=sorted(ADMIN_ROLES)
    ).order_by("pk"):
        admins.setdefault(user.union_id, []).append(user)
    for item in items:
        kind = ReportReminder.Kind.OVERDUE if item.due < today else ReportReminder.Kind.DUE_SOON
        if ReportReminder.objects.filter(
            report_type=item.report_type, node_id=item.unit_id, period_start=item.period.start, kind=kind
        ).exists():
            continue
        if kind == ReportReminder.Kind.OVERDUE:
            text = (
                f"【报送提醒】{item.unit_name}：{item.period.label}「{item.report_type}」应于"
                f"{item.due:%Y年%m月%d日}前报送，现已逾期，请尽快提交。"
            )
        else:
            text = (
                f"【报送提醒】{item.unit_name}：{item.period.label}「{item.report_type}」请于"
                f"{item.due:%Y年%m月%d日}前报送。"
            )
        ReportReminder.objects.create(
            report_type=item.report_type,
            node_id=item.unit_id,
            period_start=item.period.start,
            kind=kind,
            sent_on=today,
            text=text,
        )
        for recipient in admins.get(item.unit_id) or [None]:
            notify.queue("", text, recipient=recipient)
        sent[kind] += 1
    return sent
