"""服务阵地: 工会驿站, 工人文化宫, 职工书屋 … (kinds as data), the "六有" checklist (items as data, per kind),
the venues with their operator union, place and GCJ-02 coordinates, and their inspections.

A venue hangs in the union tree by its operator union (``scope_path``); the county it is counted under is
its ``region`` (a county-level division), which is what the map and the per-county counts use.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from gonghui.core.models import ScopedModel, StepEvent, TimestampedModel, actor_fk

# GCJ-02 is only defined inside China; these bounds (mainland, Hainan, Taiwan and the islands) keep a
# swapped or mistyped pair (31.3 as the longitude) out, which is the error the ledgers actually make.
LNG_MIN, LNG_MAX = Decimal("73"), Decimal("136")
LAT_MIN, LAT_MAX = Decimal("3"), Decimal("54")


class VenueKind(models.Model):
    """A kind of venue (工会驿站, 工人文化宫 …): data, so that a federation can add its own."""

    code = models.SlugField(
        "代码", max_length=32, unique=True, error_messages={"unique": "该阵地类别代码已被使用"}
    )
    name = models.CharField(
        "名称", max_length=40, unique=True, error_messages={"unique": "已有同名的阵地类别"}
    )
    color = models.CharField("地图颜色", max_length=7, default="#2e86c1", help_text="如 #c0392b")
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "阵地类别"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """One item of a kind's standard (工会驿站's 六有: 有场所 … 有人员); other kinds may have their own."""

    kind = models.ForeignKey(
        VenueKind, verbose_name="阵地类别", on_delete=models.CASCADE, related_name="items"
    )
    code = models.SlugField("代码", max_length=32)
    name = models.CharField("名称", max_length=40)
    description = models.CharField("说明", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "达标检查项"
        ordering = ["kind", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"],
                name="venues_item_unique",
                violation_error_message="该类别已有此代码的检查项",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Venue(ScopedModel, TimestampedModel):
    scope_path = "operator__path"

    class Status(models.TextChoices):
        PLANNED = "planned", "筹建"
        OPEN = "open", "在用"
        CLOSED = "closed", "停用"

    name = models.CharField("名称", max_length=100)
    kind = models.ForeignKey(
        VenueKind, verbose_name="阵地类别", on_delete=models.PROTECT, related_name="venues"
    )
    operator = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="运营工会", on_delete=models.PROTECT, related_name="venues"
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="所在县区",
        on_delete=models.PROTECT,
        related_name="venues",
        limit_choices_to={"level": 3},
    )
    address = models.CharField("地址", max_length=200)
    longitude = models.DecimalField(
        "经度（国测局坐标）",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(LNG_MIN), MaxValueValidator(LNG_MAX)],
    )
    latitude = models.DecimalField(
        "纬度（国测局坐标）",
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(LAT_MIN), MaxValueValidator(LAT_MAX)],
    )
    opening_hours = models.CharField(
        "开放时间", max_length=100, blank=True, help_text="如 周一至周五 8:30-17:30"
    )
    stars = models.PositiveSmallIntegerField(
        "星级",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1～5 星，未评星留空",
    )
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    opened_on = models.DateField(
        "建成日期", null=True, blank=True, help_text="建成投用的日期，按此统计新建数"
    )
    closed_on = models.DateField("停用日期", null=True, blank=True)
    # The result of the latest inspection, kept by services.record_inspection (the list filters on it
    # without a subquery per row); None: never inspected.
    compliant = models.BooleanField("达标", null=True, blank=True, editable=False)
    last_inspected_on = models.DateField("最近检查", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "服务阵地"
        ordering = ["region__code", "kind__order", "name", "id"]
        indexes = [models.Index(fields=["region", "opened_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["operator", "kind", "name"],
                name="venues_venue_unique",
                violation_error_message="该工会已有同名同类阵地",
            ),
            models.CheckConstraint(
                condition=Q(stars__isnull=True) | Q(stars__gte=1, stars__lte=5),
                name="venues_stars_range",
                violation_error_message="星级须为 1～5",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True, latitude__isnull=True)
                | Q(longitude__isnull=False, latitude__isnull=False),
                name="venues_coordinates_pair",
                violation_error_message="经度和纬度须同时填写",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("venues:venue-detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (self.longitude is None) != (self.latitude is None):
            errors["latitude"] = "经度和纬度须同时填写"
        if self.opened_on and self.closed_on and self.closed_on < self.opened_on:
            errors["closed_on"] = "停用日期不能早于建成日期"
        if self.status == self.Status.CLOSED and not self.closed_on:
            errors["closed_on"] = "停用的阵地须填写停用日期"
        if self.status == self.Status.OPEN and not self.opened_on:
            errors["opened_on"] = "在用的阵地须填写建成日期"
        if errors:
            raise ValidationError(errors)


class Inspection(ScopedModel):
    """A check of a venue against its kind's items on a date: each item met or not; passed when all are."""

    scope_path = "venue__operator__path"

    venue = models.ForeignKey(
        Venue, verbose_name="阵地", on_delete=models.CASCADE, related_name="inspections"
    )
    inspected_on = models.DateField("检查日期")
    inspector = models.CharField("检查人（单位）", max_length=100)
    passed = models.BooleanField("达标", default=False)
    note = models.TextField("说明", blank=True)
    recorded_by = actor_fk("登记人")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "达标检查"
        ordering = ["venue", "-inspected_on", "-id"]

    def __str__(self) -> str:
        return f"{self.venue}（{self.inspected_on:%Y-%m-%d}）"


class InspectionResult(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name="检查", on_delete=models.CASCADE, related_name="results"
    )
    item = models.ForeignKey(ChecklistItem, verbose_name="检查项", on_delete=models.PROTECT, related_name="+")
    met = models.BooleanField("符合")

    class Meta:
        verbose_name = verbose_name_plural = "检查项结果"
        ordering = ["inspection", "item__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "item"],
                name="venues_result_unique",
                violation_error_message="同一次检查中每个检查项只能有一个结果",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {'符合' if self.met else '不符合'}"


class VenueEvent(StepEvent):
    """Every step of a venue: registered, changed, status changed, inspected."""

    venue = models.ForeignKey(Venue, verbose_name="阵地", on_delete=models.CASCADE, related_name="events")

    class Meta:
        verbose_name = verbose_name_plural = "阵地记录"
        ordering = ["venue", "at", "id"]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.action}"
