"""劳模工匠人才数据库: model workers and craftsmen held as members are (core.PersonalData: ID encrypted, keyed
hash, masked copy; once per register), their titles (kind as data, level, year, 文号), the innovation
studios (劳模(工匠)创新工作室) with members and a leader, and the services given (劳模贷, 健康体检, 疗休养 —
kinds as data, with a yearly target where there is one).

A person hangs in the union tree by the union that keeps the record (``union``: the county federation of
the workplace, or the city's for a city-level register); titles, services and events by their person; a
studio by its keeping union, and its members must lie inside that union's subtree, so whoever sees a
studio sees all of its members."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from gonghui.core.models import (
    PersonalData,
    PersonalQuerySet,
    ReferenceRow,
    ScopedModel,
    StepEvent,
    TimestampedModel,
)
from gonghui.honours.models import Level
from gonghui.orgs.models import Industry

YEAR_VALIDATORS = [
    MinValueValidator(1950, message="年度须在 1950 年以后"),
    MaxValueValidator(2100, message="年度有误"),
]


class TitleKind(ReferenceRow):
    """荣誉称号类别: 劳动模范, 先进工作者, 五一劳动奖章, 工匠, 工匠年度人物 …"""

    is_craftsman = models.BooleanField("工匠类", default=False, help_text="否则计为劳模类")

    class Meta(ReferenceRow.Meta):
        verbose_name = verbose_name_plural = "劳模工匠称号类别"


class ServiceKind(ReferenceRow):
    """服务项目: 劳模贷, 健康体检, 疗休养 …, with the person-times a year the federation plans (疗休养: 200)."""

    yearly_target = models.PositiveIntegerField("年度计划人次", null=True, blank=True)

    class Meta(ReferenceRow.Meta):
        verbose_name = verbose_name_plural = "劳模工匠服务项目"


class ModelWorker(PersonalData, ScopedModel, TimestampedModel):
    """One model worker or craftsman on the register, kept by a union (scope: its subtree)."""

    scope_path = "union__path"
    objects = PersonalQuerySet.as_manager()

    name = models.CharField("姓名", max_length=50, db_index=True)
    id_upgraded = models.BooleanField("由15位升级", default=False, editable=False)
    birth_date = models.DateField("出生日期", editable=False)
    sex = models.CharField("性别", max_length=1, choices=[("M", "男"), ("F", "女")], editable=False)
    union = models.ForeignKey(
        "orgs.UnionOrg",
        verbose_name="管理工会",
        on_delete=models.PROTECT,
        related_name="model_workers",
        help_text="保管该人员档案的工会，一般为工作单位所在县区总工会",
    )
    workplace = models.CharField("工作单位", max_length=200, blank=True)
    industry = models.CharField("所属行业", max_length=1, choices=Industry.choices, blank=True)
    position = models.CharField("职务（岗位）", max_length=100, blank=True)
    note = models.CharField("备注", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "劳模工匠"
        ordering = ["union__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"],
                name="modelworker_one_per_person",
                violation_error_message="该人员已在劳模工匠人才库中，一人只登记一次",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"

    def get_absolute_url(self) -> str:
        return reverse("modelworkers:person-detail", args=[self.pk])


class Title(ScopedModel):
    """A title a person holds: kind, level, year, 文号 (the awarding document) and the awarding body."""

    scope_path = "person__union__path"
    objects = PersonalQuerySet.as_manager()

    person = models.ForeignKey(
        ModelWorker, verbose_name="人员", on_delete=models.CASCADE, related_name="titles"
    )
    kind = models.ForeignKey(
        TitleKind, verbose_name="称号类别", on_delete=models.PROTECT, related_name="titles"
    )
    level = models.CharField("级别", max_length=16, choices=Level.choices)
    year = models.PositiveSmallIntegerField("授予年度", validators=YEAR_VALIDATORS)
    document_no = models.CharField("文号", max_length=100, blank=True)
    awarded_by = models.CharField("授予机关", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "劳模工匠称号"
        ordering = ["-year", "level", "kind__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "level", "year"],
                name="modelworker_title_once",
                violation_error_message="该人员已有同年度、同级别的该称号",
            )
        ]
        indexes = [models.Index(fields=["level", "year"])]

    def __str__(self) -> str:
        return f"{self.year} 年{self.label}"

    @property
    def label(self) -> str:
        """「市级工匠」, 「全国劳动模范」: the level's name as usually written before the kind."""
        prefix = {"national": "全国", "province": "省级", "city": "市级", "county": "县级"}[self.level]
        return f"{prefix}{self.kind.name}"

    def get_absolute_url(self) -> str:
        return self.person.get_absolute_url()


class Studio(ScopedModel, TimestampedModel):
    """劳模(工匠)创新工作室: level, founding year, leader and members (people of the keeping union's
    subtree), achievements."""

    scope_path = "union__path"
    objects = PersonalQuerySet.as_manager()  # it names its members: not for 三员 administrators

    name = models.CharField(
        "名称", max_length=200, unique=True, error_messages={"unique": "已有同名的工作室"}
    )
    level = models.CharField("级别", max_length=16, choices=Level.choices)
    founded_year = models.PositiveSmallIntegerField("命名年度", validators=YEAR_VALIDATORS, db_index=True)
    union = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="管理工会", on_delete=models.PROTECT, related_name="studios"
    )
    workplace = models.CharField("依托单位", max_length=200, blank=True)
    leader = models.ForeignKey(
        ModelWorker,
        verbose_name="领衔人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_studios",
    )
    members = models.ManyToManyField(ModelWorker, verbose_name="成员", blank=True, related_name="studios")
    achievements = models.TextField("创新成果", blank=True, help_text="专利、技术攻关、成果转化等")

    class Meta:
        verbose_name = verbose_name_plural = "劳模工匠创新工作室"
        ordering = ["-founded_year", "name"]
        indexes = [models.Index(fields=["level", "founded_year"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("modelworkers:studio-detail", args=[self.pk])


class Service(ScopedModel):
    """A service given to a person (one 疗休养, one 体检, one 劳模贷) on a date."""

    scope_path = "person__union__path"
    objects = PersonalQuerySet.as_manager()

    person = models.ForeignKey(
        ModelWorker, verbose_name="人员", on_delete=models.CASCADE, related_name="services"
    )
    kind = models.ForeignKey(
        ServiceKind, verbose_name="服务项目", on_delete=models.PROTECT, related_name="services"
    )
    date = models.DateField("日期", db_index=True)
    amount = models.DecimalField(
        "金额（元）", max_digits=12, decimal_places=2, null=True, blank=True, help_text="劳模贷等填写"
    )
    note = models.CharField("说明", max_length=255, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "劳模工匠服务"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "date"],
                name="modelworker_service_once_a_day",
                violation_error_message="该人员当天已有该项服务记录",
            )
        ]
        indexes = [models.Index(fields=["kind", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.person.name}"

    def get_absolute_url(self) -> str:
        return self.person.get_absolute_url()


class ModelWorkerEvent(StepEvent):
    """A step in a person's record: 登记, 修改信息, 授予称号, 服务, 加入/退出工作室 — with its date."""

    scope_path = "person__union__path"
    objects = PersonalQuerySet.as_manager()

    person = models.ForeignKey(
        ModelWorker, verbose_name="人员", on_delete=models.CASCADE, related_name="events"
    )
    date = models.DateField("日期")

    class Meta:
        verbose_name = verbose_name_plural = "劳模工匠记录"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.action} {self.person.name}"
