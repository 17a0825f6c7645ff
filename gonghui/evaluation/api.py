"""API read endpoints of the annual evaluation, scoped like the pages: the issuer's subtree sees every
row, a unit its own row of a finalised evaluation."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.core.api import SeekPagination, filtered, scoped, scoped_get

from . import services
from .filters import EvaluationFilterSet, ScoreSheetFilterSet
from .models import Evaluation, ScoreSheet, UnitResult

router = Router(tags=["年度考核评价"])


class SheetItemOut(Schema):
    id: int
    order: int
    name: str
    kind: str
    max_score: float
    source: str
    source_code: str
    rule: str
    threshold: float | None
    criteria: str


class ScoreSheetOut(Schema):
    id: int
    issuer_id: int
    year: int
    title: str


class ScoreSheetDetailOut(ScoreSheetOut):
    note: str
    items: list[SheetItemOut]

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.all())


class EvaluationOut(Schema):
    id: int
    sheet_id: int
    issuer_id: int
    year: int
    as_of: dt.date
    status: str
    finalised_at: dt.datetime | None


class EvaluationDetailOut(EvaluationOut):
    figures: dict


@router.get("/evaluation/sheets", response=list[ScoreSheetOut], summary="考核评分表")
@paginate(SeekPagination)
def list_score_sheets(request):
    return filtered(request, ScoreSheetFilterSet, scoped(request, ScoreSheet).order_by("id"))


@router.get("/evaluation/sheets/{pk}", response=ScoreSheetDetailOut, summary="考核评分表详情（含项目）")
def get_score_sheet(request, pk: int):
    return scoped_get(request, ScoreSheet, pk)


@router.get("/evaluation/evaluations", response=list[EvaluationOut], summary="年度考核评价")
@paginate(SeekPagination)
def list_evaluations(request):
    return filtered(request, EvaluationFilterSet, scoped(request, Evaluation).order_by("id"))


@router.get(
    "/evaluation/evaluations/{pk}",
    response=EvaluationDetailOut,
    summary="年度考核评价结果（总分、名次、一票否决）",
)
def get_evaluation(request, pk: int):
    evaluation = scoped_get(request, Evaluation, pk)
    results = scoped(request, UnitResult).filter(evaluation=evaluation)
    evaluation.figures = services.figures(evaluation, results)
    return evaluation
