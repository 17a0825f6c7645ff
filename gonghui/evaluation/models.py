"""The annual evaluation (年评价) of a federation's sub-units, with 一票否决.

- :class:`ScoreSheet` — the score sheet (考核评分表) an issuer uses for a year, as data: its
  :class:`SheetItem` rows are scored items (a weight = the item's full marks; scored automatically from a
  registered source under a declarative rule, or by hand with evidence) and 一票否决 items (automatic:
  a source's value below the threshold; or decided by hand with a reason).
- :class:`Evaluation` — one year's evaluation of the sheet's issuer: a :class:`UnitResult` per evaluated
  unit (total, rank, 一票否决, award eligibility) and a :class:`Score` per unit × item keeping the source
  value and the rule applied, so that every figure can be reproduced. Every step is an
  :class:`EvaluationEvent`; a finalised (定稿) evaluation is read-only until reopened with a reason.

Scope: sheets and evaluations hang by their issuer. A unit sees its own row of a finalised evaluation
(published), never a sibling's nor a draft.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from gonghui.core.files import get_private_storage
from gonghui.core.models import ScopedModel, ScopedQuerySet, TimestampedModel, actor_fk
from gonghui.core.scope import EVERYTHING, scope_prefix


class ScoreSheet(ScopedModel, TimestampedModel):
    """考核评分表 of an issuer for a year."""

    scope_path = "issuer__path"

    issuer = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="评价单位", on_delete=models.PROTECT, related_name="score_sheets"
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("评分表名称", max_length=200)
    note = models.TextField("说明", blank=True)
    created_by = actor_fk("创建人")

    class Meta:
        verbose_name = verbose_name_plural = "考核评分表"
        ordering = ["-year", "issuer__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year"],
                name="evaluation_sheet_one_per_year",
                violation_error_message="该单位本年度已有考核评分表",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evaluation:sheet-detail", args=[self.pk])

    def full_marks(self) -> Decimal:
        return sum(
            (i.max_score for i in self.items.all() if i.kind == SheetItem.Kind.SCORE), start=Decimal(0)
        )

    def is_locked(self) -> bool:
        """A sheet a finalised evaluation was scored on stays as it was scored."""
        return self.evaluations.filter(status=Evaluation.Status.FINAL).exists()


class SheetItem(ScopedModel):
    """One row of a score sheet: a scored item or a 一票否决 item.

    Scoring rules (declarative; ``scoring.score`` applies them and says how):
    - 线性至达标线: full marks × min(value ÷ threshold, 1);
    - 达标得满分: full marks when value ≥ threshold, else 0;
    - 按比率: full marks × value ÷ 100 (a rate in %), capped at full marks.
    A 一票否决 item vetoes the unit when its source value is below the threshold (automatic), or when the
    issuer decides so with a reason (manual)."""

    scope_path = "sheet__issuer__path"

    class Kind(models.TextChoices):
        SCORE = "score", "计分项"
        VETO = "veto", "一票否决项"

    class Source(models.TextChoices):
        AUTOMATIC = "automatic", "自动取数"
        MANUAL = "manual", "人工评分"

    class Rule(models.TextChoices):
        LINEAR = "linear", "线性至达标线"
        THRESHOLD = "threshold", "达标得满分"
        PROPORTIONAL = "proportional", "按比率"

    sheet = models.ForeignKey(
        ScoreSheet, verbose_name="评分表", on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField("序号", default=1)
    name = models.CharField("考核项目", max_length=100)
    kind = models.CharField("类别", max_length=8, choices=Kind.choices, default=Kind.SCORE)
    max_score = models.DecimalField(
        "分值", max_digits=6, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    source = models.CharField("评分方式", max_length=12, choices=Source.choices, default=Source.MANUAL)
    source_code = models.CharField("数据来源代码", max_length=48, blank=True, help_text="自动取数时必填")
    rule = models.CharField("计分规则", max_length=16, choices=Rule.choices, blank=True)
    threshold = models.DecimalField(
        "达标线", max_digits=8, decimal_places=2, null=True, blank=True, help_text="比率按百分数填，如 80"
    )
    criteria = models.TextField("评分标准", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核项目"
        ordering = ["sheet", "kind", "order", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("evaluation:sheet-detail", args=[self.sheet_id]) + f"#item-{self.pk}"

    @property
    def key(self) -> str:
        """The item's stable key in exported figures (``item<pk>``)."""
        return f"item{self.pk}"

    @property
    def is_veto(self) -> bool:
        return self.kind == self.Kind.VETO

    @property
    def is_automatic(self) -> bool:
        return self.source == self.Source.AUTOMATIC


class EvaluationQuerySet(ScopedQuerySet["Evaluation"]):
    def visible_to(self, user) -> EvaluationQuerySet:
        """Evaluations issued in the user's subtree, and finalised ones that hold a row of it (a county
        sees the city's published evaluation, and only its own row of it: ``UnitResult``)."""
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        if prefix == EVERYTHING:
            return self.all()
        ranked = UnitResult.objects.filter(evaluation=OuterRef("pk"), unit__path__startswith=prefix)
        return self.filter(
            Q(issuer__path__startswith=prefix) | Q(Exists(ranked), status=Evaluation.Status.FINAL)
        )


class Evaluation(ScopedModel, TimestampedModel):
    """年度考核评价: an issuer's evaluation of its sub-units for a year, on one score sheet."""

    scope_path = "issuer__path"

    class Status(models.TextChoices):
        DRAFT = "draft", "评分中"
        FINAL = "final", "已定稿"

    sheet = models.ForeignKey(
        ScoreSheet, verbose_name="评分表", on_delete=models.PROTECT, related_name="evaluations"
    )
    issuer = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="评价单位", on_delete=models.PROTECT, related_name="evaluations"
    )
    year = models.PositiveSmallIntegerField("年度")
    as_of = models.DateField("数据截至")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.DRAFT)
    computed_at = models.DateTimeField("自动取数时间", null=True, blank=True)
    finalised_at = models.DateTimeField("定稿时间", null=True, blank=True)
    finalised_by = actor_fk("定稿人")
    created_by = actor_fk("创建人")

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "年度考核评价"
        ordering = ["-year", "issuer__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet"],
                name="evaluation_one_per_sheet",
                violation_error_message="该评分表已开展评价",
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer}{self.year}年度考核评价"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:evaluation-detail", args=[self.pk])

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class UnitResultQuerySet(ScopedQuerySet["UnitResult"]):
    def visible_to(self, user) -> UnitResultQuerySet:
        """The issuer's subtree sees every row; a unit sees its own row once the evaluation is final."""
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        if prefix == EVERYTHING:
            return self.all()
        return self.filter(
            Q(evaluation__issuer__path__startswith=prefix)
            | Q(unit__path__startswith=prefix, evaluation__status=Evaluation.Status.FINAL)
        )


class UnitResult(ScopedModel):
    """One evaluated unit's row: total, rank (ties share), 一票否决 and award eligibility (评先评优)."""

    scope_path = "evaluation__issuer__path"

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="考核评价", on_delete=models.CASCADE, related_name="results"
    )
    unit = models.ForeignKey(
        "orgs.UnionOrg",
        verbose_name="被评价单位",
        on_delete=models.PROTECT,
        related_name="evaluation_results",
    )
    total = models.DecimalField("总分", max_digits=8, decimal_places=2, default=Decimal(0))
    rank = models.PositiveSmallIntegerField("名次", null=True, blank=True)
    vetoed = models.BooleanField("一票否决", default=False)
    veto_reasons = models.TextField("否决原因", blank=True)

    objects = UnitResultQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "单位考核结果"
        ordering = ["evaluation", "rank", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "unit"],
                name="evaluation_one_row_per_unit",
                violation_error_message="该单位已在本次评价中",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit}（{self.evaluation.year}年度）"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:result-detail", args=[self.pk])

    @property
    def award_eligible(self) -> bool:
        """评先评优: a vetoed unit is excluded whatever its score."""
        return not self.vetoed


class ScoreQuerySet(ScopedQuerySet["Score"]):
    def visible_to(self, user) -> ScoreQuerySet:
        return self.filter(result__in=UnitResult.objects.visible_to(user))


class Score(ScopedModel):
    """One unit × item: the source value and the rule applied (automatic), or the issuer's score with its
    evidence and note (manual); for a 一票否决 item whether it vetoes the unit and why."""

    scope_path = "result__evaluation__issuer__path"

    result = models.ForeignKey(
        UnitResult, verbose_name="单位考核结果", on_delete=models.CASCADE, related_name="scores"
    )
    item = models.ForeignKey(
        SheetItem, verbose_name="考核项目", on_delete=models.PROTECT, related_name="scores"
    )
    value = models.DecimalField("来源数值", max_digits=12, decimal_places=2, null=True, blank=True)
    score = models.DecimalField("得分", max_digits=8, decimal_places=2, null=True, blank=True)
    explanation = models.CharField("计分说明", max_length=300, blank=True)
    vetoed = models.BooleanField("否决", default=False)
    note = models.TextField("评分说明", blank=True)
    evidence = models.FileField(
        "佐证材料", upload_to="evaluation/evidence/%Y/%m/", storage=get_private_storage, blank=True
    )
    evidence_name = models.CharField("佐证文件名", max_length=200, blank=True)
    evidence_sha256 = models.CharField("佐证 SHA-256", max_length=64, blank=True)
    scored_by = actor_fk("评分人")
    scored_at = models.DateTimeField("评分时间", null=True, blank=True)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "考核得分"
        ordering = ["result", "item__kind", "item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["result", "item"],
                name="evaluation_one_score_per_item",
                violation_error_message="该项已评分",
            )
        ]

    def __str__(self) -> str:
        return f"{self.result.unit} {self.item}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:result-detail", args=[self.result_id]) + f"#score-{self.pk}"


class EvaluationEvent(models.Model):
    """Every step of an evaluation (created, computed, scored, vetoed, finalised, reopened): who, when,
    the status from → to, the note."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="考核评价", on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = actor_fk("操作人")
    action = models.CharField("操作", max_length=32)
    from_status = models.CharField("原状态", max_length=8, blank=True)
    to_status = models.CharField("新状态", max_length=8, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核评价记录"
        ordering = ["evaluation", "at", "id"]

    def __str__(self) -> str:
        return f"{self.evaluation_id} {self.action}"
