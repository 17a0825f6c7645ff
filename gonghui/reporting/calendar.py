"""What is due, submitted, returned, approved, overdue: a node's calendar and a federation's matrix
(sub-units × periods).

Set-based: a calendar or a matrix is two queries whatever its size — the submitting units, and the
reports of the periods shown (``values()``, no model instances) — joined in Python by (unit, period).
Due dates are the same for every unit of a period, computed once per period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from gonghui.orgs.models import UnionOrg

from . import periods
from .models import Report, ReportStatus, ReportType
from .submitters import is_submitter, submitters_q

# Cell states beyond the report statuses: no report yet (or a draft) before, on and after the due date.
UPCOMING = "upcoming"  # the period has not ended yet
DUE = "due"  # ended, not submitted, the due date not passed
OVERDUE = "overdue"  # not submitted and past the due date

STATE_LABELS = {
    UPCOMING: "未到期",
    DUE: "待报送",
    OVERDUE: "已逾期",
    ReportStatus.DRAFT: "草稿",
    ReportStatus.SUBMITTED: "已提交",
    ReportStatus.RETURNED: "已退回",
    ReportStatus.APPROVED: "已审核",
    ReportStatus.ACCEPTED: "已接收",
}
# The colours of the matrix (Bootstrap's contextual classes).
STATE_CLASSES = {
    UPCOMING: "bg-light text-muted",
    DUE: "bg-warning-subtle",
    OVERDUE: "bg-danger text-white",
    ReportStatus.DRAFT: "bg-warning-subtle",
    ReportStatus.SUBMITTED: "bg-info-subtle",
    ReportStatus.RETURNED: "bg-danger-subtle",
    ReportStatus.APPROVED: "bg-success-subtle",
    ReportStatus.ACCEPTED: "bg-success text-white",
}
SUBMITTED_STATES = (ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.ACCEPTED)


def cell_state(status: str | None, period: periods.Period, due: dt.date, today: dt.date) -> str:
    """The state shown for a (unit, period): the report's status once submitted (or returned: the
    approver's reason waits on it); before that (no report, or a draft) upcoming, due or overdue."""
    if status in SUBMITTED_STATES or status == ReportStatus.RETURNED:
        return status
    if today > due:
        return OVERDUE
    if status == ReportStatus.DRAFT:
        return status
    return UPCOMING if period.end >= today else DUE


@dataclass
class Cell:
    period: periods.Period
    due: dt.date
    state: str
    report_id: int | None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def css(self) -> str:
        return STATE_CLASSES[self.state]


@dataclass
class Row:
    unit_id: int
    name: str
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Matrix:
    report_type: ReportType
    year: int
    periods: list[periods.Period]
    rows: list[Row]
    totals: dict[str, int]


def due_dates(report_type: ReportType, shown: list[periods.Period]) -> dict[dt.date, dt.date]:
    return {p.start: periods.due_date(p.end, report_type.due_working_days) for p in shown}


def matrix(node: UnionOrg, report_type: ReportType, year: int, today: dt.date | None = None) -> Matrix:
    """The sub-units of ``node`` that submit ``report_type`` × the type's periods of ``year``."""
    today = today or timezone.localdate()
    shown = periods.periods_of_year(report_type.period_kind, year)
    dues = due_dates(report_type, shown)
    units = list(
        UnionOrg.objects.filter(
            submitters_q(report_type), path__startswith=node.path, status=UnionOrg.Status.ACTIVE
        )
        .exclude(pk=node.pk)
        .order_by("path")
        .values_list("pk", "name")
    )
    found = {
        (r["node_id"], r["period_start"]): (r["status"], r["pk"])
        for r in Report.objects.filter(
            report_type=report_type,
            node__path__startswith=node.path,
            period_start__in=[p.start for p in shown],
        ).values("pk", "node_id", "period_start", "status")
    }
    totals: dict[str, int] = dict.fromkeys(STATE_LABELS, 0)
    rows = []
    for unit_id, name in units:
        row = Row(unit_id, name)
        for period in shown:
            status, report_id = found.get((unit_id, period.start), (None, None))
            state = cell_state(status, period, dues[period.start], today)
            totals[state] += 1
            row.cells.append(Cell(period, dues[period.start], state, report_id))
        rows.append(row)
    return Matrix(report_type, year, shown, rows, totals)


def matrix_per_cell(
    node: UnionOrg, report_type: ReportType, year: int, today: dt.date | None = None
) -> list[list[str]]:
    """The straightforward computation of the same states: a query per cell (the bench's baseline)."""
    today = today or timezone.localdate()
    out = []
    units = UnionOrg.objects.filter(
        submitters_q(report_type), path__startswith=node.path, status=UnionOrg.Status.ACTIVE
    ).exclude(pk=node.pk)
    for unit in units.order_by("path"):
        states = []
        for period in periods.periods_of_year(report_type.period_kind, year):
            report = Report.objects.filter(
                report_type=report_type, node=unit, period_start=period.start
            ).first()
            due = periods.due_date(period.end, report_type.due_working_days)
            states.append(cell_state(report.status if report else None, period, due, today))
        out.append(states)
    return out


@dataclass
class CalendarEntry:
    report_type: ReportType
    period: periods.Period
    due: dt.date
    state: str
    report_id: int | None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def css(self) -> str:
        return STATE_CLASSES[self.state]


def node_calendar(node: UnionOrg, year: int, today: dt.date | None = None) -> list[CalendarEntry]:
    """The node's own reports of ``year``: every active type it submits, every period, its state."""
    today = today or timezone.localdate()
    types = [t for t in ReportType.objects.filter(is_active=True) if is_submitter(t, node)]
    shown = {t.pk: periods.periods_of_year(t.period_kind, year) for t in types}
    starts = {p.start for ps in shown.values() for p in ps}
    found = {
        (r["report_type_id"], r["period_start"]): (r["status"], r["pk"])
        for r in Report.objects.filter(node=node, period_start__in=starts).values(
            "pk", "report_type_id", "period_start", "status"
        )
    }
    entries = []
    for rtype in types:
        dues = due_dates(rtype, shown[rtype.pk])
        for period in shown[rtype.pk]:
            status, report_id = found.get((rtype.pk, period.start), (None, None))
            state = cell_state(status, period, dues[period.start], today)
            entries.append(CalendarEntry(rtype, period, dues[period.start], state, report_id))
    entries.sort(key=lambda e: (e.due, e.report_type.order))
    return entries


def types_with_subunits(node: UnionOrg) -> list[ReportType]:
    """The active types some sub-unit of ``node`` submits (the matrices a federation can open)."""
    out = []
    for rtype in ReportType.objects.filter(is_active=True):
        if (
            UnionOrg.objects.filter(submitters_q(rtype), path__startswith=node.path)
            .exclude(pk=node.pk)
            .exists()
        ):
            out.append(rtype)
    return out
