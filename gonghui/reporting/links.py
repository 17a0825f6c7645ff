"""What reporting plugs into its neighbours (called from ``setup.register``):

- the 年报's headline figures as figure providers (``annual_*`` codes, computed by ``reporting.annual``
  for the node's subtree on the period's last day) and its logical checks as a gate on submission: a 年报
  with a failing check cannot be submitted unless the check admits a 核查说明 and the report carries one
  (``Report.explanations``); on approval its tables and checks are frozen with the figures;
- the finalised annual evaluation (``evaluation.services.final_figures``) as the 年评价 report's figures: a
  unit's total, rank and 一票否决 in its parent's evaluation, and for an issuer the units it evaluated,
  vetoed and found eligible for awards — so the evaluation goes up through submit → approve like any report;
- the evaluation source ``report_on_time`` (半年报告按时报送): the share of a unit's half-year reports of
  the year first submitted by their due date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from gonghui.orgs.models import UnionOrg

if TYPE_CHECKING:
    from .annual import AnnualTables
    from .annual_checks import Failure

ANNUAL_TYPE = "annual_statistics"
ANNUAL_FIGURES = {
    "grassroots_unions": ("基层工会组织数", "个"),
    "members": ("会员数（在会及保留会籍）", "人"),
    "women_members": ("其中：女会员", "人"),
    "migrant_members": ("其中：农民工会员", "人"),
    "new_form_members": ("其中：新就业形态劳动者会员", "人"),
    "workplaces": ("单位数", "个"),
    "workplaces_covered": ("其中：已建会覆盖单位", "个"),
}


def annual_code(key: str) -> str:
    return f"annual_{key}"


def _annual_rollup(node: UnionOrg, as_of: dt.date):
    from . import annual, figures

    return figures.memoised(("annual", node.pk, as_of), lambda: annual.compute_per_node(node, as_of))


def _annual_tables(node: UnionOrg, as_of: dt.date):
    return _annual_rollup(node, as_of).tables(node.pk)


def _annual_provider(key: str):
    def provider(node: UnionOrg, as_of: dt.date):
        return _annual_tables(node, as_of).summary()[key]

    return provider


EVALUATION_FIGURES = {
    "evaluation_total": ("年度考核得分", "分"),
    "evaluation_rank": ("考核排名", "名"),
    "evaluation_vetoed": ("一票否决（1 为是）", ""),
    "evaluation_units": ("本级考核的下级单位数", "个"),
    "evaluation_units_vetoed": ("其中：一票否决", "个"),
    "evaluation_units_award": ("其中：可参加评先评优", "个"),
}


def _final_evaluation(issuer: UnionOrg | None, year: int):
    from gonghui.evaluation.services import final_figures

    from . import figures

    if issuer is None:
        return None
    return figures.memoised(("evaluation", issuer.pk, year), lambda: final_figures(issuer, year))


def _evaluation_provider(code: str):
    def provider(node: UnionOrg, as_of: dt.date):
        if code.startswith("evaluation_units"):
            own = _final_evaluation(node, as_of.year)
            if own is None:
                return None  # the node has not finalised an evaluation of its sub-units for the year
            units = own["rows"]
            if code == "evaluation_units":
                return len(units)
            flag = "vetoed" if code == "evaluation_units_vetoed" else "award_eligible"
            return sum(1 for unit in units if unit[flag])
        parent = _final_evaluation(node.parent, as_of.year)
        row = next((u for u in parent["rows"] if u["unit_id"] == node.pk), None) if parent else None
        if row is None:
            return None  # not (yet) scored in a finalised evaluation by its parent
        if code == "evaluation_vetoed":
            return int(row["vetoed"])
        return row["total"] if code == "evaluation_total" else row["rank"]

    return provider


FROZEN_ANNUAL = "_annual"  # the key of ``Report.frozen`` that keeps the approved 年报's tables and checks


@dataclass
class AnnualOfReport:
    """A 年报's six tables and logical checks: as approved (``frozen``) or as of the period's last day."""

    tables: AnnualTables
    failures: list[Failure]
    frozen: bool

    @property
    def blocking(self) -> list[Failure]:
        return [f for f in self.failures if not f.explained]

    @property
    def explained(self) -> list[Failure]:
        return [f for f in self.failures if f.explained]


def _explanations(report) -> dict[str, str]:
    """The report's own 核查说明, then those its sub-units' reports of the period went up with: a failure
    explained by the county need not be explained again by the city (the text names who explained it)."""
    from .models import LOCKED_STATUSES, Report, ReportStatus

    below = (
        Report.objects.filter(
            report_type_id=report.report_type_id,
            period_start=report.period_start,
            node__path__startswith=report.node.path,
            status__in=[ReportStatus.SUBMITTED, *LOCKED_STATUSES],
        )
        .exclude(pk=report.pk)
        .select_related("node")
        .order_by("node__path")  # the nearest level's explanation first
    )
    out: dict[str, str] = {}
    for sub in below:
        for key, text in (sub.explanations or {}).items():
            out.setdefault(key, f"{text}（{sub.node.name}说明）")
    out.update(report.explanations or {})
    return out


def _live_annual(report) -> AnnualOfReport:
    from . import annual_checks

    rollup = _annual_rollup(report.node, report.period_end)
    return AnnualOfReport(
        rollup.tables(report.node_id),
        annual_checks.check_node(rollup, report.node_id, _explanations(report)),
        frozen=False,
    )


def annual_of(report) -> AnnualOfReport:
    """The 年报's tables and checks with the report's 核查说明: those it was approved with once approved,
    else computed from the registry as of the period's last day."""
    from . import annual_checks

    kept = (report.frozen or {}).get(FROZEN_ANNUAL)
    if kept:
        return AnnualOfReport(
            annual_checks.tables_from_json(kept["tables"]),
            [annual_checks.failure_from_json(f) for f in kept["failures"]],
            frozen=True,
        )
    return _live_annual(report)


def annual_failures(report) -> list[str]:
    """The 年报's unexplained logical-check failures on the period's last day, each naming the table, row,
    column and the records behind it."""
    out = []
    for failure in _live_annual(report).blocking:
        records = "、".join(f"{r.kind}「{r.name}」" for r in failure.records[:5])
        out.append(f"{failure.where()}：{failure.message}" + (f"（{records}）" if records else ""))
    return out


def annual_explainable(report) -> dict[str, str]:
    """The failures of the 年报 as it stands that a 核查说明 may excuse, by key."""
    return {f.key: f.message for f in _live_annual(report).failures if f.explainable}


def annual_freeze(report) -> dict:
    """On approval: the tables and checks (with the explanations they carried) as they stand."""
    from . import annual_checks

    live = _live_annual(report)
    return {
        FROZEN_ANNUAL: {
            "tables": annual_checks.tables_to_json(live.tables),
            "failures": [annual_checks.failure_to_json(f) for f in live.failures],
        }
    }


def report_on_time(unit: UnionOrg, year: int):
    """半年报告按时报送率 of ``unit`` in ``year`` (%): its half-year reports due in the year whose first 提交
    was on or before the due date; None when none was due."""
    from django.db.models import Min
    from django.utils import timezone

    from gonghui.evaluation.sources import Reading

    from .models import Report

    reports = (
        Report.objects.filter(node=unit, report_type__code="half_year_summary", due_date__year=year)
        .annotate(first_submitted=Min("events__at", filter=_submitted()))
        .values_list("due_date", "first_submitted")
    )
    rows = list(reports)
    if not rows:
        return Reading(None, "本年度没有应报的半年总结")
    on_time = sum(1 for due, first in rows if first is not None and timezone.localtime(first).date() <= due)
    return Reading(Decimal(on_time * 100) / len(rows), f"应报 {len(rows)} 份，按时报送 {on_time} 份")


def _submitted():
    from django.db.models import Q

    from .models import ReportStatus

    return Q(events__to_status=ReportStatus.SUBMITTED)


def register() -> None:
    from gonghui.evaluation import sources

    from . import figures, services

    for key, (label, unit) in ANNUAL_FIGURES.items():
        figures.register(annual_code(key), label, _annual_provider(key), unit)
    for code, (label, unit) in EVALUATION_FIGURES.items():
        figures.register(code, label, _evaluation_provider(code), unit)
    services.register_submit_check(ANNUAL_TYPE, annual_failures)
    services.register_explainable(ANNUAL_TYPE, annual_explainable)
    services.register_freeze(ANNUAL_TYPE, annual_freeze)
    sources.register("report_on_time", "半年报告按时报送率", report_on_time)
