"""Read-only API of targets: plans (list; detail with the progress rows) and the coverage indicators of
a node by sub-unit. Scoped like the pages: a plan is visible to its issuer's subtree and to the units
ranked in it (aggregate figures only — members stay behind the scoped member endpoints); indicators
only for a node inside the caller's subtree."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from gonghui.core.api import SeekPagination, scoped, scoped_get
from gonghui.core.scope import home_node
from gonghui.orgs.models import UnionOrg

from . import cube, indicators, services
from .models import TargetPlan
from .params import default_as_of

router = Router(tags=["目标任务与指标"])


class MetricOut(Schema):
    code: str
    name: str
    unit: str
    source: str


class PlanHead(Schema):
    id: int
    title: str
    year: int
    doc_number: str
    issued_on: dt.date | None
    issuer_id: int
    issuer_name: str
    metrics: list[str]


class PlanOut(PlanHead):
    @staticmethod
    def resolve_issuer_name(obj: TargetPlan) -> str:
        return obj.issuer.name

    @staticmethod
    def resolve_metrics(obj: TargetPlan) -> list[str]:
        # Ordered in Python: the list prefetches the metrics once for the page.
        return [m.code for m in sorted(obj.metrics.all(), key=lambda m: (m.order, m.code))]


class CellOut(Schema):
    target: int | None
    actual: int | None
    pct: float | None = None
    gap: int | None = None
    light: str
    forecast: int | None = None
    will_miss: bool = False
    shortfall: int | None = None


class MissOut(Schema):
    metric: str
    code: str
    by: int | None


class RowOut(Schema):
    union_id: int
    name: str
    rank: int | None
    score: float | None
    light: str
    cells: dict[str, CellOut]
    will_miss: list[MissOut]


class TotalOut(Schema):
    score: float | None
    cells: dict[str, CellOut]


class PlanDetailOut(PlanHead):
    as_of: dt.date
    elapsed_pct: float
    snapshot_at: str | None = None
    metric_list: list[MetricOut]
    rows: list[RowOut]
    total: TotalOut


class FigureOut(Schema):
    num: int | None = Field(description="分子；该指标不提供该日期的数据时为空")
    den: int | None = Field(description="分母；该指标不提供该日期的数据时为空")
    rate: float | None
    below: bool


class SubUnitFigureOut(FigureOut):
    union_id: int
    name: str


class IndicatorOut(Schema):
    code: str
    name: str
    definition: str
    numerator: str
    denominator: str
    unit: str
    population: str
    threshold: float | None
    note: str
    unavailable: str | None = Field(None, description="该指标不提供该日期的数据时的原因（此时不给数字）")
    total: FigureOut
    rows: list[SubUnitFigureOut]


class IndicatorsOut(Schema):
    node_id: int | None
    node: str
    as_of: dt.date = Field(description="数字所属的日期（每日计算结果的统计日期，或实时计算的截止日期）")
    requested_as_of: dt.date | None = Field(None, description="请求的日期（未给出则为空：取最近一日结果）")
    source: str = Field(
        description="stored：该日（未给出日期则为最近一日）的每日计算结果；live：按该日的登记信息实时计算（小范围）；"
        "pending：后台正在计算该日的数字（HTTP 202，indicators 为空）；unavailable：不提供该日期的数据"
        "（unavailable 给出原因，indicators 为空）。从不以其他日期的数字代替。"
    )
    stored: bool
    pending: bool
    computed_at: str | None = None
    unavailable: str | None = Field(None, description="不提供该日期数据的原因（source=unavailable 时）")
    indicators: list[IndicatorOut]


def _user(request: HttpRequest):
    return request.auth if hasattr(request.auth, "pk") else request.user


@router.get("/target-plans", response=list[PlanOut], summary="目标任务列表")
@paginate(SeekPagination)
def list_target_plans(request, year: int | None = None):
    plans = scoped(request, TargetPlan).select_related("issuer").prefetch_related("metrics")
    if year is not None:
        plans = plans.filter(year=year)
    return plans.order_by("-year", "issuer__path", "id")


@router.get(
    "/target-plans/{pk}",
    response=PlanDetailOut,
    summary="目标任务详情：各单位目标、完成、完成率、差距、进度、排名、年底预测（as_of 缺省为今天或年底）",
)
def get_target_plan(request, pk: int, as_of: dt.date | None = None):
    plan = get_object_or_404(scoped(request, TargetPlan).select_related("issuer"), pk=pk)
    with cube.pinned():
        figures = services.figures_for(plan, as_of or default_as_of(plan))
    return {
        "id": plan.pk,
        "title": plan.title,
        "year": plan.year,
        "doc_number": plan.doc_number,
        "issued_on": plan.issued_on,
        "issuer_id": plan.issuer_id,
        "issuer_name": plan.issuer.name,
        "metrics": [m["code"] for m in figures["metrics"]],
        "metric_list": figures["metrics"],
        "as_of": figures["as_of"],
        "elapsed_pct": figures["elapsed_pct"],
        "snapshot_at": figures.get("snapshot_at"),
        "rows": figures["rows"],
        "total": figures["total"],
    }


def _indicators(node: UnionOrg, as_of: dt.date | None) -> Status:
    """The stored result of the day (the latest without as_of); counted as of that day only for a small
    subtree; for a large node without it 202 while the background task computes that day's figures;
    a day the registry cannot answer for: source=unavailable with the reason."""
    shown = indicators.shown(node, as_of)
    body = shown.as_json()
    if shown.figures is None:
        body.update(node_id=node.pk, node=node.name)
    return Status(202 if shown.source == "pending" else 200, body)


@router.get(
    "/indicators",
    response={200: IndicatorsOut, 202: IndicatorsOut},
    summary="本单位各项建制率指标（按直接下级单位；取每日计算结果：缺省为最近一日，给出 as_of 则为该日的数字，小范围无结果时按该日实时计算）",
)
def get_own_indicators(request, as_of: dt.date | None = None):
    user = _user(request)
    node = home_node(user)
    if node is None:
        raise Http404("没有组织")
    return _indicators(node, as_of)


@router.get(
    "/unions/{pk}/indicators",
    response={200: IndicatorsOut, 202: IndicatorsOut},
    summary="工会组织各项建制率指标（按直接下级单位；取每日计算结果：缺省为最近一日，给出 as_of 则为该日，"
    "小范围按该日实时计算；大范围无该日结果时返回 202 并在后台计算该日；无法按该日统计时 source=unavailable 并说明原因）",
)
def get_union_indicators(request, pk: int, as_of: dt.date | None = None):
    return _indicators(scoped_get(request, UnionOrg, pk), as_of)
