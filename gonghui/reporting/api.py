"""API read endpoints of periodic reports, scoped like the pages: the types (reference data), the
reports a node sees (its own, its sub-units', those it approves), a node's calendar and a matrix."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from gonghui.core.api import SeekPagination, filtered, scoped, scoped_get
from gonghui.core.scope import home_node
from gonghui.orgs.models import UnionOrg

from . import calendar, services
from .filters import ReportFilterSet
from .models import Report, ReportType
from .types import ensure_report_types

router = Router(tags=["定期报告"])


def _user(request):
    auth = getattr(request, "auth", None)
    return auth if hasattr(auth, "pk") else request.user


def _year(year: int | None) -> int:
    if year is None:
        return timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise HttpError(400, "年度应在 2000 至 2100 之间")
    return year


def _node(request, node: int | None) -> UnionOrg:
    user = _user(request)
    if node:
        return get_object_or_404(UnionOrg.objects.visible_to(user), pk=node)
    own = home_node(user)
    if own is None:
        raise Http404("没有组织")
    return own


class ReportTypeOut(Schema):
    id: int
    code: str
    name: str
    period_kind: str
    submitter_kinds: list[str]
    due_working_days: int
    sections: list[dict]
    figures: list[dict]
    is_active: bool


class FigureOut(Schema):
    code: str
    label: str
    registry: float | None
    reported: float | None
    explanation: str
    live: float | None


class ReportOut(Schema):
    id: int
    report_type_id: int
    node_id: int
    period_start: dt.date
    period_end: dt.date
    due_date: dt.date
    status: str
    status_label: str
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class ReportDetailOut(ReportOut):
    sections: dict
    figures: list[FigureOut]
    check_explanations: dict[str, str]  # 年报: the submitter's 核查说明 by logical-check key

    @staticmethod
    def resolve_check_explanations(obj) -> dict[str, str]:
        return {str(key): str(text) for key, text in (obj.explanations or {}).items()}

    @staticmethod
    def resolve_figures(obj) -> list[dict]:
        return [
            {
                "code": r.code,
                "label": r.label,
                "registry": r.registry,
                "reported": r.reported,
                "explanation": r.explanation,
                "live": r.live,
            }
            for r in services.figure_rows(obj)
        ]


class CalendarEntryOut(Schema):
    report_type_id: int
    period_start: dt.date
    period_end: dt.date
    period: str
    due_date: dt.date
    state: str
    state_label: str
    report_id: int | None


class MatrixRowOut(Schema):
    node_id: int
    name: str
    states: list[str]
    report_ids: list[int | None]


class MatrixOut(Schema):
    report_type_id: int
    year: int
    periods: list[dt.date]
    rows: list[MatrixRowOut]


@router.get("/reporting/types", response=list[ReportTypeOut], summary="报告类型")
def list_report_types(request):
    if home_node(_user(request)) is None:
        return []
    ensure_report_types()
    return list(ReportType.objects.all())


@router.get("/reporting/reports", response=list[ReportOut], summary="定期报告")
@paginate(SeekPagination)
def list_reports(request):
    return filtered(request, ReportFilterSet, scoped(request, Report).order_by("id"))


@router.get("/reporting/reports/{pk}", response=ReportDetailOut, summary="定期报告详情（含数据对账）")
def get_report(request, pk: int):
    return scoped_get(request, Report, pk)


@router.get("/reporting/calendar", response=list[CalendarEntryOut], summary="报送日历")
def get_calendar(request, node: int | None = None, year: int | None = None):
    target = _node(request, node)
    ensure_report_types()
    entries = calendar.node_calendar(target, _year(year))
    return [
        {
            "report_type_id": e.report_type.pk,
            "period_start": e.period.start,
            "period_end": e.period.end,
            "period": e.period.label,
            "due_date": e.due,
            "state": e.state,
            "state_label": e.label,
            "report_id": e.report_id,
        }
        for e in entries
    ]


@router.get("/reporting/matrix", response=MatrixOut, summary="下级单位报送情况（单位 × 周期）")
def get_matrix(request, type: int, node: int | None = None, year: int | None = None):
    target = _node(request, node)
    rtype = get_object_or_404(ReportType, pk=type)
    data = calendar.matrix(target, rtype, _year(year))
    return {
        "report_type_id": rtype.pk,
        "year": data.year,
        "periods": [p.start for p in data.periods],
        "rows": [
            {
                "node_id": row.unit_id,
                "name": row.name,
                "states": [c.state for c in row.cells],
                "report_ids": [c.report_id for c in row.cells],
            }
            for row in data.rows
        ],
    }
