"""社会化工会工作者 and the other union staff (协商指导员, 兼挂职副主席, 公益性岗位, 专职工会干部 …): the register
a federation keeps beside the union tree. Posts, subsidy grades and appraisal grades are data; a person
appears once in the register (keyed ID hash unique) and is held the way members are (core.PersonalData).

Named ``UnionWorker`` / ``WorkerEvent`` so that the model-worker register (劳模工匠, later) can stand beside
it in this app without a clash (``ModelWorker``, ``Title`` …)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from gonghui.core.models import PersonalData, PersonalQuerySet, ScopedModel, StepEvent, TimestampedModel
from gonghui.core.models import ReferenceRow as _Reference  # shared with the model-worker register


class Post(_Reference):
    """岗位: 社会化工会工作者, 集体协商指导员, 兼挂职副主席, 公益性岗位, 专职工会干部 …"""

    is_full_time_cadre = models.BooleanField(
        "计为专职工会干部", default=False, help_text="配备检查（200人以上单位、乡镇园区工会）按此类岗位计"
    )

    class Meta(_Reference.Meta):
        verbose_name = verbose_name_plural = "工会工作者岗位"


class SubsidyGrade(_Reference):
    """补贴档次: a level and its monthly amount."""

    level = models.PositiveSmallIntegerField("档次")
    monthly_amount = models.DecimalField("月补贴（元）", max_digits=9, decimal_places=2)

    class Meta(_Reference.Meta):
        verbose_name = verbose_name_plural = "工会工作者补贴档次"
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.monthly_amount:.0f} 元/月）"


class AppraisalGrade(_Reference):
    """考核等次: 优秀 / 称职 / 基本称职 / 不称职; the top grade's share is capped per appraising union."""

    is_top = models.BooleanField("受比例限制的最高等次", default=False, help_text="如「优秀」")

    class Meta(_Reference.Meta):
        verbose_name = verbose_name_plural = "工会工作者考核等次"


class WorkerStatus(models.TextChoices):
    PROBATION = "probation", "试用"
    ACTIVE = "active", "在岗"
    LEFT = "left", "离岗"


SERVING_STATUSES = (WorkerStatus.PROBATION, WorkerStatus.ACTIVE)


class UnionWorker(PersonalData, ScopedModel, TimestampedModel):
    """One person on the union-staff register, serving at a county, township/park or workplace union."""

    scope_path = "union__path"
    objects = PersonalQuerySet.as_manager()

    name = models.CharField("姓名", max_length=50, db_index=True)
    id_upgraded = models.BooleanField("由15位升级", default=False, editable=False)
    birth_date = models.DateField("出生日期", editable=False)
    sex = models.CharField("性别", max_length=1, choices=[("M", "男"), ("F", "女")], editable=False)
    union = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="所在工会", on_delete=models.PROTECT, related_name="union_workers"
    )
    post = models.ForeignKey(Post, verbose_name="岗位", on_delete=models.PROTECT, related_name="workers")
    employer = models.CharField(
        "劳动合同单位", max_length=200, blank=True, help_text="与其签订劳动合同或派遣协议的单位"
    )
    start_date = models.DateField("到岗日期", db_index=True)
    probation_end = models.DateField("试用期满日期", null=True, blank=True)
    grade = models.ForeignKey(
        SubsidyGrade,
        verbose_name="补贴档次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=16, choices=WorkerStatus.choices, default=WorkerStatus.ACTIVE
    )
    left_on = models.DateField("离岗日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工会工作者"
        ordering = ["union__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"],
                name="unionworker_one_per_person",
                violation_error_message="该人员已在工会工作者名册中，一人只登记一次",
            ),
            models.CheckConstraint(
                condition=Q(status="left", left_on__isnull=False)
                | (~Q(status="left") & Q(left_on__isnull=True)),
                name="unionworker_left_on_iff_left",
                violation_error_message="离岗人员须有离岗日期，在岗、试用人员不能有离岗日期",
            ),
        ]
        indexes = [models.Index(fields=["union", "status"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"

    def get_absolute_url(self) -> str:
        return reverse("people:worker-detail", args=[self.pk])

    @property
    def is_serving(self) -> bool:
        return self.status in SERVING_STATUSES


class WorkerEvent(StepEvent):
    """A step in a worker's record: 聘用, 转正, 调整补贴档次, 离岗, 修改信息 — with its effective date."""

    scope_path = "worker__union__path"
    objects = PersonalQuerySet.as_manager()

    worker = models.ForeignKey(
        UnionWorker, verbose_name="工会工作者", on_delete=models.CASCADE, related_name="events"
    )
    date = models.DateField("生效日期")

    class Meta:
        verbose_name = verbose_name_plural = "工会工作者变动记录"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.action} {self.worker.name}"

    @property
    def to_status_label(self) -> str:
        return WorkerStatus(self.to_status).label if self.to_status in WorkerStatus.values else ""


class Appraisal(ScopedModel):
    """年度考核: one grade per worker and year, given by an appraising union (the worker's union or one
    above it)."""

    scope_path = "worker__union__path"
    objects = PersonalQuerySet.as_manager()

    worker = models.ForeignKey(
        UnionWorker, verbose_name="工会工作者", on_delete=models.CASCADE, related_name="appraisals"
    )
    year = models.PositiveSmallIntegerField("考核年度")
    grade = models.ForeignKey(
        AppraisalGrade, verbose_name="考核等次", on_delete=models.PROTECT, related_name="+"
    )
    appraiser = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="考核工会", on_delete=models.PROTECT, related_name="appraisals_given"
    )
    note = models.CharField("考核意见", max_length=500, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "工会工作者考核"
        ordering = ["-year", "worker__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "year"],
                name="appraisal_one_per_year",
                violation_error_message="该人员本年度已有考核结果",
            )
        ]
        indexes = [models.Index(fields=["appraiser", "year"])]

    def __str__(self) -> str:
        return f"{self.worker.name} {self.year} 年度 {self.grade}"

    def get_absolute_url(self) -> str:
        return self.worker.get_absolute_url()
