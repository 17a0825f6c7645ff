"""目标分解 (annual net-growth targets), indicators defined as data, dated snapshots, and the
pre-aggregated growth cube that keeps the plan page fast on provincial data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from gonghui.core.models import PATH_STEP, ScopedModel, TimestampedModel
from gonghui.core.scope import EVERYTHING, scope_prefix


class Metric(models.Model):
    """A column of a target table (组建数, 会员数 …). Data, so a plan can add others later.

    ``source`` says how the actual figure is computed; a metric with source ``manual`` has a target
    but its progress is not computed by the system (shown as 「—」)."""

    class Source(models.TextChoices):
        UNIONS_FOUNDED = "unions_founded", "新建基层工会数"
        MEMBERS_NET = "members_net", "会员净增数"
        MIGRANT_NET = "migrant_net", "农民工会员净增数"
        NEW_FORM_NET = "new_form_net", "新就业形态会员净增数"
        MANUAL = "manual", "不自动统计"

    code = models.SlugField(
        "代码", max_length=32, unique=True, error_messages={"unique": "该指标项代码已被使用"}
    )
    name = models.CharField("名称", max_length=50, unique=True, error_messages={"unique": "已有同名的指标项"})
    aliases = models.JSONField("表头别名", default=list, blank=True, help_text="导入时也认这些表头")
    unit = models.CharField("单位", max_length=8, default="人")
    source = models.CharField("统计口径", max_length=32, choices=Source.choices)
    parent = models.ForeignKey(
        "self", verbose_name="「其中」所属", null=True, blank=True, on_delete=models.PROTECT
    )
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "目标指标项"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class TargetPlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> TargetPlanQuerySet:
        """Plans issued inside the user's subtree, and plans in which the user's node (or a node above
        it within the plan) is a ranked row: a county sees the city's plan and its peers' figures —
        aggregate numbers only, the members behind them stay scoped."""
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        if prefix == EVERYTHING:
            return self.all()
        # Row paths that are prefixes of the user's path (the user's row, or the row above the user).
        prefixes = [prefix[: i + PATH_STEP] for i in range(0, len(prefix), PATH_STEP)]
        # EXISTS rather than a join on the items: no DISTINCT over every column of every plan.
        ranked = TargetItem.objects.filter(plan=OuterRef("pk"), union__path__in=prefixes)
        return self.filter(Q(issuer__path__startswith=prefix) | Exists(ranked))


class TargetPlan(ScopedModel, TimestampedModel):
    scope_path = "issuer__path"
    objects = TargetPlanQuerySet.as_manager()

    issuer = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="下达单位", on_delete=models.PROTECT, related_name="target_plans"
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("标题", max_length=200)
    doc_number = models.CharField("文号", max_length=50, blank=True, help_text="如 芜工发〔2023〕1号")
    issued_on = models.DateField("印发日期", null=True, blank=True)
    metrics = models.ManyToManyField(Metric, verbose_name="指标项", related_name="plans")
    note = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = verbose_name_plural = "目标任务"
        ordering = ["-year", "issuer__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "title"],
                name="target_plan_unique_title",
                violation_error_message="同一单位同一年度已有同名目标任务",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("targets:plan-detail", args=[self.pk])


class TargetItem(models.Model):
    """One cell of the target table: row union × metric → target value (net increase for the year)."""

    plan = models.ForeignKey(
        TargetPlan, verbose_name="目标任务", on_delete=models.CASCADE, related_name="items"
    )
    union = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="责任单位", on_delete=models.PROTECT, related_name="target_items"
    )
    metric = models.ForeignKey(Metric, verbose_name="指标项", on_delete=models.PROTECT)
    target = models.IntegerField("目标值")
    row_order = models.PositiveSmallIntegerField("行序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "目标分解"
        ordering = ["plan", "row_order", "metric__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "union", "metric"],
                name="target_item_unique_cell",
                violation_error_message="同一单位同一指标项只能有一个目标值",
            )
        ]

    def __str__(self) -> str:
        return f"{self.union} {self.metric} {self.target}"


class Indicator(models.Model):
    """A coverage rate defined once (numerator, denominator, threshold, population); every page and
    bulletin computes it through ``gonghui.targets.indicators`` under this definition key."""

    code = models.SlugField(
        "代码", max_length=48, unique=True, error_messages={"unique": "该指标代码已被使用"}
    )
    name = models.CharField("名称", max_length=80)
    definition = models.CharField("计算口径键", max_length=48, help_text="indicators.DEFINITIONS 中的键")
    numerator_label = models.CharField("分子", max_length=120)
    denominator_label = models.CharField("分母", max_length=120)
    unit_of_count = models.CharField("计数单位", max_length=20, help_text="如 单位、人、个")
    population = models.CharField("适用范围", max_length=120)
    threshold = models.DecimalField("达标线（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    note = models.TextField("口径说明", blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Snapshot(models.Model):
    """The figures of a plan (and the registry-based indicators) as of a date, frozen when a bulletin is
    first generated, so that the Q3 bulletin regenerated next year prints the same numbers."""

    plan = models.ForeignKey(
        TargetPlan, verbose_name="目标任务", on_delete=models.CASCADE, related_name="snapshots"
    )
    as_of = models.DateField("统计截止日期")
    figures = models.JSONField("数据")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="生成人", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = verbose_name_plural = "数据快照"
        ordering = ["-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "as_of"],
                name="snapshot_one_per_plan_date",
                violation_error_message="该目标任务在这一日期已有通报快照",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} 截至 {self.as_of}"


class GrowthCube(models.Model):
    """Net membership change per (ancestor path, day): every event is added to each node on its union's
    path, so "the subtree of X between two dates" is a range read of ≤ 366 rows.

    Filled incrementally from MembershipEvent ids above a watermark (events are append-only); reads add
    the live tail above the watermark, so figures are exact. See ``gonghui.targets.cube``."""

    node_path = models.CharField("节点路径", max_length=255)
    day = models.DateField("日期")
    joined = models.IntegerField(default=0)
    transferred_in = models.IntegerField(default=0)
    transferred_out = models.IntegerField(default=0)
    left = models.IntegerField(default=0)
    net = models.IntegerField(default=0)
    net_migrant = models.IntegerField(default=0)
    net_new_form = models.IntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "会员增减汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["node_path", "day"],
                name="growth_cube_node_day",
                violation_error_message="该组织这一天的增长汇总已存在",
            )
        ]

    def __str__(self) -> str:
        return f"{self.node_path} {self.day} {self.net:+d}"


class CubeState(models.Model):
    """Watermark of the growth cube and the tree fingerprint it was built against."""

    watermark = models.BigIntegerField("已汇总的最大事件编号", default=0)
    tree_fingerprint = models.CharField("组织树指纹", max_length=64, blank=True)
    tree_version = models.BigIntegerField(
        "已核对的组织树版本", null=True, blank=True, help_text="TreeVersion 的值：在该版本时核对过指纹"
    )
    refreshed_at = models.DateTimeField("刷新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "汇总状态"

    def __str__(self) -> str:
        return f"水位 {self.watermark}"


class TreeVersion(models.Model):
    """One row whose ``version`` a database trigger on the union table raises whenever an existing union
    changes parent or path, or is deleted (migration 0002). Reading one row tells whether the tree may
    have moved since the cube was checked; the full fingerprint (a scan of every union) is needed only
    when it did. Adding unions does not raise it: new unions do not change what the cube holds."""

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "组织树版本"

    def __str__(self) -> str:
        return f"组织树版本 {self.version}"


class IndicatorResult(models.Model):
    """Registry-based indicator values of one node for one day, computed by the daily refresh (or by the
    background task when a page finds nothing stored for a large node and that day). Kept per day so a
    page reads one row; a past day is computed from the dated registry (``targets.asof``) and may hold
    ``"unavailable"`` (the reason) instead of figures."""

    node = models.ForeignKey("orgs.UnionOrg", on_delete=models.CASCADE, related_name="+")
    day = models.DateField("统计日期")
    computed_at = models.DateTimeField(auto_now=True)
    values = models.JSONField(default=dict)

    class Meta:
        verbose_name = verbose_name_plural = "指标计算结果"
        constraints = [
            models.UniqueConstraint(
                fields=["node", "day"],
                name="indicator_result_node_day",
                violation_error_message="该组织这一天的指标结果已存在",
            )
        ]

    def __str__(self) -> str:
        return f"{self.node_id} {self.day}"


class QualityResult(models.Model):
    """The data-quality board's counts of one node for one day: computed by the daily refresh (or by the
    background task when the board finds nothing stored for a large node), read by the board and the
    indicator page's badges — counting a province's members per workplace on a request takes seconds."""

    node = models.ForeignKey("orgs.UnionOrg", on_delete=models.CASCADE, related_name="+")
    day = models.DateField("统计日期")
    computed_at = models.DateTimeField(auto_now=True)
    counts = models.JSONField(default=dict)

    class Meta:
        verbose_name = verbose_name_plural = "数据质量计算结果"
        constraints = [
            models.UniqueConstraint(
                fields=["node", "day"],
                name="quality_result_node_day",
                violation_error_message="同一组织同一天只能有一条数据质量计算结果",
            )
        ]

    def __str__(self) -> str:
        return f"{self.node_id} {self.day}"
