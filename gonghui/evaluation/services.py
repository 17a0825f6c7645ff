"""The annual evaluation's steps: sheet seeded, evaluation started (automatic scores computed as of the
year's end), manual items scored with evidence and a note, 一票否决 decided, re-computed, finalised,
reopened. Each step is one transaction writing an :class:`EvaluationEvent` and an audit row.

The other hook, for the reporting app's 年评价 report type: :func:`figures` (an evaluation's totals,
ranking and 一票否决 per unit, plain JSON) and :func:`final_figures` (the issuer's finalised evaluation of
a year, or None).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.scope import home_node
from gonghui.core.uploads import CheckedUpload
from gonghui.orgs.models import UnionKind, UnionOrg
from gonghui.supervision.counties import county_level_unions

from . import scoring, sources
from .models import Evaluation, EvaluationEvent, Score, ScoreSheet, SheetItem, UnitResult


# ---------------------------------------------------------------------- who is evaluated, who evaluates
def evaluated_units(issuer: UnionOrg) -> QuerySet[UnionOrg]:
    """A province or city evaluates its county-level unions (``supervision.counties``); any other
    federation its active direct sub-units."""
    if issuer.kind in (UnionKind.PROVINCE, UnionKind.CITY):
        return county_level_unions(issuer).exclude(pk=issuer.pk)
    return UnionOrg.objects.filter(parent=issuer, status=UnionOrg.Status.ACTIVE).order_by("path")


def may_evaluate(user: Any, issuer_id: int) -> bool:
    """Only the issuer's administrators edit its sheets and score its evaluation."""
    node = home_node(user)
    return node is not None and node.pk == issuer_id and bool(getattr(user, "can_edit", False))


def _require(user: Any, issuer_id: int) -> None:
    if not may_evaluate(user, issuer_id):
        raise PermissionDenied("只有评价单位的管理员可以评分")


def _actor(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


def _event(evaluation: Evaluation, actor: Any, action: str, before: str, note: str, ip: str | None) -> None:
    EvaluationEvent.objects.create(
        evaluation=evaluation,
        actor=_actor(actor),
        action=action,
        from_status=before,
        to_status=evaluation.status,
        note=note,
    )
    labels = dict(Evaluation.Status.choices)
    change = (
        f"（{labels[before]} → {evaluation.get_status_display()}）"
        if before and before != evaluation.status
        else ""
    )
    audit.log(
        AuditEvent.Action.UPDATE, evaluation, actor=actor, ip=ip, detail=f"{action}{change}：{note}"[:500]
    )


def _editable(evaluation: Evaluation) -> Evaluation:
    """The evaluation re-read under a row lock; a finalised one refuses every change."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.is_final:
        raise ValidationError("考核评价已定稿，不能再修改；如需修改，请先重新打开并说明原因")
    return evaluation


# ---------------------------------------------------------------------- sheets
@dataclass(frozen=True)
class ItemSpec:
    name: str
    kind: str = SheetItem.Kind.SCORE
    max_score: Decimal = Decimal(0)
    source: str = SheetItem.Source.MANUAL
    source_code: str = ""
    rule: str = ""
    threshold: Decimal | None = None
    criteria: str = ""


def check_item(item: SheetItem) -> None:
    """An item's fields agree with each other (also the form's check)."""
    if item.kind == SheetItem.Kind.SCORE and item.max_score <= 0:
        raise ValidationError("计分项的分值须大于 0")
    if item.kind == SheetItem.Kind.VETO and item.max_score:
        raise ValidationError("一票否决项不计分，分值请填 0")
    if item.source == SheetItem.Source.AUTOMATIC:
        if not item.source_code:
            raise ValidationError("自动取数的项目须填写数据来源代码")
        if item.kind == SheetItem.Kind.SCORE and not item.rule:
            raise ValidationError("自动取数的计分项须选择计分规则")
        needs_threshold = item.kind == SheetItem.Kind.VETO or item.rule != SheetItem.Rule.PROPORTIONAL
        if needs_threshold and item.threshold is None:
            raise ValidationError("该计分规则须填写达标线")


@transaction.atomic
def create_sheet(
    *,
    issuer: UnionOrg,
    year: int,
    title: str,
    items: Iterable[ItemSpec],
    note: str = "",
    actor: Any = None,
    ip: str | None = None,
) -> ScoreSheet:
    """A score sheet with its items (the seed command, a page or the demo)."""
    if ScoreSheet.objects.filter(issuer=issuer, year=year).exists():
        raise ValidationError(f"{issuer}{year}年度已有考核评分表")
    sheet = ScoreSheet.objects.create(
        issuer=issuer, year=year, title=title, note=note, created_by=_actor(actor)
    )
    for order, spec in enumerate(items, start=1):
        item = SheetItem(sheet=sheet, order=order, **spec.__dict__)
        check_item(item)
        item.save()
    audit.log(
        AuditEvent.Action.CREATE,
        sheet,
        actor=actor,
        ip=ip,
        detail=f"考核评分表：{title}，{sheet.items.count()} 项",
    )
    return sheet


# ---------------------------------------------------------------------- computing
def _apply_automatic(score: Score, year: int) -> None:
    item = score.item
    reading = sources.read(item.source_code, score.result.unit, year)
    where = sources.label(item.source_code)
    said = f"{where}：{reading.note}" if reading.note and reading.note != where else where
    score.value = reading.value
    if item.is_veto:
        score.vetoed, how = scoring.vetoes(item.threshold, reading.value)
        score.score = None
    else:
        score.score, how = scoring.score(item.rule, item.max_score, item.threshold, reading.value)
    score.explanation = f"{said}；{how}"[:300]


def _veto_reason(score: Score) -> str:
    """The issuer's reason (manual), or the verdict of the rule: 「完成率 2.5 < 100，未达到要求」."""
    if not score.item.is_automatic:
        return score.note
    return f"{sources.label(score.item.source_code).split('（')[0]} {score.explanation.rsplit('；', 1)[-1]}"


def _rank(evaluation: Evaluation) -> None:
    """Totals (scored items), 一票否决 (any veto item) and ranks by total, ties sharing a rank; a vetoed
    unit keeps its rank and is marked."""
    results = list(evaluation.results.select_related("unit").prefetch_related("scores__item"))
    for result in results:
        scores = list(result.scores.all())
        result.total = sum(
            (s.score for s in scores if not s.item.is_veto and s.score is not None), start=Decimal(0)
        )
        vetoes = [s for s in scores if s.item.is_veto and s.vetoed]
        result.vetoed = bool(vetoes)
        result.veto_reasons = "；".join(f"{s.item.name}（{_veto_reason(s)}）" for s in vetoes)[:2000]
    ordered = sorted(results, key=lambda r: (-r.total, r.unit.path))
    previous, rank = None, 0
    for position, result in enumerate(ordered, start=1):
        if result.total != previous:
            rank, previous = position, result.total
        result.rank = rank
    UnitResult.objects.bulk_update(results, ["total", "rank", "vetoed", "veto_reasons"])


def _compute(evaluation: Evaluation) -> int:
    """Every automatic score read again as of the year's end; the number of scores computed."""
    scores = list(
        Score.objects.filter(
            result__evaluation=evaluation, item__source=SheetItem.Source.AUTOMATIC
        ).select_related("item", "result__unit")
    )
    with sources.computing():
        for score in scores:
            _apply_automatic(score, evaluation.year)
    Score.objects.bulk_update(scores, ["value", "score", "vetoed", "explanation"])
    evaluation.as_of = sources.year_end(evaluation.year)
    evaluation.computed_at = timezone.now()
    evaluation.save(update_fields=["as_of", "computed_at", "updated_at"])
    _rank(evaluation)
    return len(scores)


@transaction.atomic
def start(sheet: ScoreSheet, *, actor: Any, ip: str | None = None) -> Evaluation:
    """开展评价: a row per evaluated unit, a score per item, the automatic ones computed, ranked."""
    _require(actor, sheet.issuer_id)
    if Evaluation.objects.filter(sheet=sheet).exists():
        raise ValidationError("该评分表已开展评价")
    items = list(sheet.items.all())
    if not any(not i.is_veto for i in items):
        raise ValidationError("评分表还没有计分项，不能开展评价")
    units = list(evaluated_units(sheet.issuer))
    if not units:
        raise ValidationError("本单位没有可评价的下级单位")
    evaluation = Evaluation.objects.create(
        sheet=sheet,
        issuer=sheet.issuer,
        year=sheet.year,
        as_of=sources.year_end(sheet.year),
        created_by=_actor(actor),
    )
    for unit in units:
        result = UnitResult.objects.create(evaluation=evaluation, unit=unit)
        Score.objects.bulk_create([Score(result=result, item=item) for item in items])
    computed = _compute(evaluation)
    note = f"评价 {len(units)} 个单位，自动取数 {computed} 项，数据截至 {evaluation.as_of:%Y-%m-%d}"
    EvaluationEvent.objects.create(
        evaluation=evaluation, actor=_actor(actor), action="开展评价", to_status=evaluation.status, note=note
    )
    audit.log(AuditEvent.Action.CREATE, evaluation, actor=actor, ip=ip, detail=f"开展评价：{note}")
    return evaluation


@transaction.atomic
def recompute(evaluation: Evaluation, *, actor: Any, ip: str | None = None) -> Evaluation:
    """重新取数: the automatic scores read again (after late records), manual scores kept."""
    _require(actor, evaluation.issuer_id)
    evaluation = _editable(evaluation)
    computed = _compute(evaluation)
    _event(
        evaluation, actor, "重新取数", "", f"自动取数 {computed} 项，数据截至 {evaluation.as_of:%Y-%m-%d}", ip
    )
    return evaluation


def _parse_score(raw: Any, item: SheetItem) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError("得分须为数字") from None
    if not value.is_finite() or value < 0 or value > item.max_score:
        raise ValidationError(f"得分须在 0 到 {item.max_score.normalize():f} 之间")
    return value.quantize(Decimal("0.01"))


def _attach(score: Score, upload: CheckedUpload | None) -> None:
    if upload is None:
        return
    score.evidence.save(upload.name, upload.file, save=False)
    score.evidence_name = upload.name
    score.evidence_sha256 = upload.sha256


def _manual(score: Score, kind: str) -> Score:
    score = Score.objects.select_related("item", "result__unit", "result__evaluation").get(pk=score.pk)
    if score.item.source != SheetItem.Source.MANUAL or score.item.kind != kind:
        raise ValidationError(
            "该项目不是人工评分项" if kind == SheetItem.Kind.SCORE else "该项目不是人工否决项"
        )
    return score


@transaction.atomic
def score_manual(
    score: Score,
    *,
    value: Any,
    note: str,
    upload: CheckedUpload | None = None,
    actor: Any,
    ip: str | None = None,
) -> Score:
    """人工评分: a score within the item's full marks, with a note and evidence (a new file, or the one
    already attached)."""
    score = _manual(score, SheetItem.Kind.SCORE)
    evaluation = score.result.evaluation
    _require(actor, evaluation.issuer_id)
    evaluation = _editable(evaluation)
    points = _parse_score(value, score.item)
    if not note.strip():
        raise ValidationError("人工评分须填写评分说明")
    if upload is None and not score.evidence:
        raise ValidationError("人工评分须上传佐证材料")
    _attach(score, upload)
    score.score, score.note = points, note.strip()
    score.explanation = "人工评分"
    score.scored_by, score.scored_at = _actor(actor), timezone.now()
    score.save()
    _rank(evaluation)
    _event(
        evaluation,
        actor,
        "人工评分",
        "",
        f"{score.result.unit}「{score.item.name}」{points.normalize():f} 分：{score.note}",
        ip,
    )
    return score


@transaction.atomic
def decide_veto(
    score: Score,
    *,
    vetoed: bool,
    reason: str,
    upload: CheckedUpload | None = None,
    actor: Any,
    ip: str | None = None,
) -> Score:
    """人工一票否决: veto (or clear) a unit on a manual veto item, always with the reason."""
    score = _manual(score, SheetItem.Kind.VETO)
    evaluation = score.result.evaluation
    _require(actor, evaluation.issuer_id)
    evaluation = _editable(evaluation)
    if not reason.strip():
        raise ValidationError("一票否决（或撤销否决）须说明原因")
    _attach(score, upload)
    score.vetoed, score.note = vetoed, reason.strip()
    score.explanation = "人工认定否决" if vetoed else "人工认定不否决"
    score.scored_by, score.scored_at = _actor(actor), timezone.now()
    score.save()
    _rank(evaluation)
    verdict = "一票否决" if vetoed else "不否决"
    _event(
        evaluation,
        actor,
        "否决认定",
        "",
        f"{score.result.unit}「{score.item.name}」{verdict}：{score.note}",
        ip,
    )
    return score


def missing_manual(evaluation: Evaluation) -> int:
    return Score.objects.filter(
        result__evaluation=evaluation,
        item__source=SheetItem.Source.MANUAL,
        item__kind=SheetItem.Kind.SCORE,
        score__isnull=True,
    ).count()


@transaction.atomic
def finalise(evaluation: Evaluation, *, actor: Any, note: str = "", ip: str | None = None) -> Evaluation:
    """定稿: every manual item scored; the evaluation becomes read-only and each unit sees its row."""
    _require(actor, evaluation.issuer_id)
    evaluation = _editable(evaluation)
    missing = missing_manual(evaluation)
    if missing:
        raise ValidationError(f"还有 {missing} 项人工评分未完成，不能定稿")
    _rank(evaluation)
    before = evaluation.status
    evaluation.status = Evaluation.Status.FINAL
    evaluation.finalised_at, evaluation.finalised_by = timezone.now(), _actor(actor)
    evaluation.save(update_fields=["status", "finalised_at", "finalised_by", "updated_at"])
    vetoed = evaluation.results.filter(vetoed=True).count()
    _event(evaluation, actor, "定稿", before, note.strip() or f"一票否决 {vetoed} 个单位", ip)
    return evaluation


@transaction.atomic
def reopen(evaluation: Evaluation, *, actor: Any, reason: str, ip: str | None = None) -> Evaluation:
    """重新打开: the only change a finalised evaluation accepts, with the reason."""
    _require(actor, evaluation.issuer_id)
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if not evaluation.is_final:
        raise ValidationError("只有已定稿的考核评价才能重新打开")
    if not reason.strip():
        raise ValidationError("重新打开须说明原因")
    before = evaluation.status
    evaluation.status = Evaluation.Status.DRAFT
    evaluation.finalised_at, evaluation.finalised_by = None, None
    evaluation.save(update_fields=["status", "finalised_at", "finalised_by", "updated_at"])
    _event(evaluation, actor, "重新打开", before, reason.strip(), ip)
    return evaluation


# ---------------------------------------------------------------------- the reporting hook
def _num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def figures(evaluation: Evaluation, results: QuerySet[UnitResult] | None = None) -> dict[str, Any]:
    """An evaluation's figures as plain JSON (the reporting app's 年评价 report type freezes these):
    the items, and per unit its total, rank, 一票否决, award eligibility and each item's score, source
    value and rule applied. ``results`` narrows the rows (a county's own row)."""
    items = list(evaluation.sheet.items.all())
    rows = []
    queryset = results if results is not None else evaluation.results.all()
    for result in queryset.select_related("unit").prefetch_related("scores").order_by("rank", "unit__path"):
        by_item = {s.item_id: s for s in result.scores.all()}
        rows.append(
            {
                "unit_id": result.unit_id,
                "unit": result.unit.name,
                "total": _num(result.total),
                "rank": result.rank,
                "vetoed": result.vetoed,
                "veto_reasons": result.veto_reasons,
                "award_eligible": result.award_eligible,
                "scores": {
                    item.key: {
                        "value": _num(by_item[item.pk].value),
                        "score": _num(by_item[item.pk].score),
                        "vetoed": by_item[item.pk].vetoed,
                        "explanation": by_item[item.pk].explanation,
                    }
                    for item in items
                    if item.pk in by_item
                },
            }
        )
    return {
        "evaluation_id": evaluation.pk,
        "issuer_id": evaluation.issuer_id,
        "issuer": evaluation.issuer.name,
        "year": evaluation.year,
        "as_of": evaluation.as_of.isoformat(),
        "status": evaluation.status,
        "full_marks": _num(evaluation.sheet.full_marks()),
        "items": [
            {
                "key": i.key,
                "name": i.name,
                "kind": i.kind,
                "max_score": _num(i.max_score),
                "source": i.source,
                "source_code": i.source_code,
                "rule": i.rule,
                "threshold": _num(i.threshold),
            }
            for i in items
        ],
        "rows": rows,
        "award_list": [r["unit_id"] for r in rows if r["award_eligible"]],
    }


def final_figures(issuer: UnionOrg, year: int) -> dict[str, Any] | None:
    """The issuer's finalised evaluation of ``year`` as :func:`figures`, or None (none, or not final)."""
    evaluation = Evaluation.objects.filter(issuer=issuer, year=year, status=Evaluation.Status.FINAL).first()
    return figures(evaluation) if evaluation is not None else None
