"""Periodic reports (周研判、月督导、季通报、半年总结、年评价、年报), approved level by level.

- :class:`ReportType` — reference data: the period, who submits (node kinds), the due rule in working
  days after the period's end, and the form: narrative sections (``sections``) and figure blocks
  (``figures``) filled from the provider registry (``reporting.figures``) as of the period's end.
- :class:`Report` — one node's report for one period: draft → submitted → returned / approved →
  accepted; approved figures are frozen in ``frozen``; every step a :class:`ReportEvent` row.
- :class:`ReportReminder` — one reminder (before the due date, or overdue) sent through the outbox, kept
  so that the daily task never sends the same one twice.
- :class:`BulletinRelease` — the quarterly bulletin (a targets snapshot) drafted, reviewed, signed off
  (签发); only a signed bulletin is shown to the units ranked in it.

Rows hang in the union tree by the submitting node, so a node sees its own reports and its sub-units'
(the approver is the parent: it sees them through its subtree).
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from gonghui.core.models import ScopedModel, StepEvent, TimestampedModel, actor_fk

from .periods import PeriodKind, period_label

# The submitter kind that stands for county-level unions (supervision.counties.county_level_q).
COUNTY_LEVEL = "county_level"


class ReportType(models.Model):
    """A kind of periodic report, as data.

    ``sections``: ``[{"code", "title", "max_length", "rich"}]`` — narrative text, at most ``max_length``
    characters (rich: simple paragraphs and lists are kept, everything else is stripped).
    ``figures``: ``[{"code", "label", "editable"}]`` — a provider code of ``reporting.figures``; an
    editable figure may be changed by the submitter with an explanation, the registry's value kept beside.
    ``submitter_kinds``: union kinds (``orgs.UnionKind`` values) or ``"county_level"``.
    """

    code = models.SlugField(
        "代码", max_length=40, unique=True, error_messages={"unique": "该代码已被另一个报告类型使用"}
    )
    name = models.CharField("名称", max_length=50)
    period_kind = models.CharField("报告周期", max_length=16, choices=PeriodKind.choices)
    submitter_kinds = models.JSONField("报送单位类型", default=list)
    due_working_days = models.PositiveSmallIntegerField(
        "报送时限（期末后工作日）", default=10, help_text="周期结束后第几个工作日前报送（节假日不计）"
    )
    remind_working_days = models.PositiveSmallIntegerField("提前提醒（工作日）", default=3)
    sections = models.JSONField("文字部分", default=list, blank=True)
    figures = models.JSONField("数据部分", default=list, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "报告类型"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    def section(self, code: str) -> dict | None:
        return next((s for s in self.sections if s["code"] == code), None)

    def figure(self, code: str) -> dict | None:
        return next((f for f in self.figures if f["code"] == code), None)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已审核"
    ACCEPTED = "accepted", "已接收"


# An approved or accepted report is locked: no edit until its approver unlocks it (→ 已退回).
LOCKED_STATUSES = (ReportStatus.APPROVED, ReportStatus.ACCEPTED)
EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class Report(ScopedModel, TimestampedModel):
    """One node's report of one type for one period (``period_start`` … ``period_end``).

    ``sections``: ``{code: text}``. ``adjustments``: the submitter's edits of editable figures,
    ``{code: {"value", "explanation"}}``; the registry's value is computed as of ``period_end`` until the
    report is approved, then ``frozen`` keeps ``{code: {"registry", "reported", "explanation"}}`` as
    approved (a later registry edit does not change it; the page shows the live difference); a type with
    more than figures (the 年报's tables and checks) keeps those under ``_``-prefixed keys beside them.
    ``explanations``: the submitter's 核查说明 of logical-check failures that admit one, ``{key: text}``."""

    scope_path = "node__path"

    report_type = models.ForeignKey(
        ReportType, verbose_name="报告类型", on_delete=models.PROTECT, related_name="reports"
    )
    node = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="报送单位", on_delete=models.PROTECT, related_name="periodic_reports"
    )
    period_start = models.DateField("周期开始")
    period_end = models.DateField("周期结束")
    due_date = models.DateField("报送截止日期")
    status = models.CharField(
        "状态", max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True
    )
    sections = models.JSONField("文字部分", default=dict, blank=True)
    adjustments = models.JSONField("数据调整", default=dict, blank=True)
    frozen = models.JSONField("审核时的数据", default=dict, blank=True)
    explanations = models.JSONField(
        "核查说明", default=dict, blank=True, help_text="逻辑检查中可说明的问题的说明：{问题标识: 说明}"
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    approved_by = actor_fk("审核人")
    accepted_at = models.DateTimeField("接收时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "定期报告"
        ordering = ["-period_start", "node__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["report_type", "node", "period_start"],
                name="reporting_one_report_per_period",
                violation_error_message="该单位本期的此类报告已存在",
            )
        ]
        indexes = [models.Index(fields=["report_type", "period_start", "status"])]

    def __str__(self) -> str:
        return f"{self.node}{period_label(self.report_type.period_kind, self.period_start)}{self.report_type}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:report-detail", args=[self.pk])

    @property
    def locked(self) -> bool:
        return self.status in LOCKED_STATUSES

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class ReportEvent(StepEvent):
    """Every step of a report: who, when, the action, the status from → to, the note (a reason)."""

    report = models.ForeignKey(Report, verbose_name="报告", on_delete=models.CASCADE, related_name="events")

    class Meta:
        verbose_name = verbose_name_plural = "报告记录"
        ordering = ["report", "at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action} {self.from_status}→{self.to_status}"


class ReportReminder(models.Model):
    """A reminder sent for one (type, node, period): before the due date, or once overdue."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "即将到期"
        OVERDUE = "overdue", "已逾期"

    report_type = models.ForeignKey(ReportType, verbose_name="报告类型", on_delete=models.CASCADE)
    node = models.ForeignKey("orgs.UnionOrg", verbose_name="报送单位", on_delete=models.CASCADE)
    period_start = models.DateField("周期开始")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    sent_on = models.DateField("发送日期")
    text = models.TextField("内容")

    class Meta:
        verbose_name = verbose_name_plural = "报送提醒"
        constraints = [
            models.UniqueConstraint(
                fields=["report_type", "node", "period_start", "kind"],
                name="reporting_one_reminder_each",
                violation_error_message="该提醒已发送",
            )
        ]

    def __str__(self) -> str:
        return self.text[:50]


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", "拟稿"
    REVIEWED = "reviewed", "已审核"
    SIGNED = "signed", "已签发"


class BulletinRelease(ScopedModel, TimestampedModel):
    """The issuing workflow of a quarterly bulletin: a snapshot's bulletin is drafted, reviewed and
    signed off (签发) by its plan's issuer; the ranked units see it only once signed. A snapshot with no
    release row was issued before this workflow existed and stays visible as it was."""

    scope_path = "snapshot__plan__issuer__path"

    snapshot = models.OneToOneField(
        "targets.Snapshot",
        verbose_name="通报数据",
        on_delete=models.CASCADE,
        related_name="release",
        error_messages={"unique": "该通报已有签发流程"},
    )
    status = models.CharField(
        "状态", max_length=16, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = actor_fk("审核人")
    signed_at = models.DateTimeField("签发时间", null=True, blank=True)
    signed_by = actor_fk("签发人")

    class Meta:
        verbose_name = verbose_name_plural = "通报签发"

    def __str__(self) -> str:
        return f"{self.snapshot.plan} 截至{self.snapshot.as_of:%Y-%m-%d}的通报"

    def get_absolute_url(self) -> str:
        return reverse("reports:snapshot", args=[self.snapshot_id])


class BulletinEvent(models.Model):
    release = models.ForeignKey(
        BulletinRelease, verbose_name="通报", on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    actor = actor_fk("操作人")
    action = models.CharField("操作", max_length=32)
    from_status = models.CharField("原状态", max_length=16, blank=True)
    to_status = models.CharField("新状态", max_length=16, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通报签发记录"
        ordering = ["release", "at", "id"]

    def __str__(self) -> str:
        return f"{self.release_id} {self.action}"
