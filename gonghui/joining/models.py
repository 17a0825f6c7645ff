"""网上入会: applications, the routing rules that send them to a union, transfers and the outbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from gonghui.core import crypto
from gonghui.core.models import PersonalData, ScopedModel, ScopedQuerySet, TimestampedModel
from gonghui.core.scope import narrow


class RoutingRule(models.Model):
    """Where an application without an organised employer goes, as data an administrator edits.

    A rule with a group sends that group's applicants of the district to a holding union (新就业形态
    工会联合会, 行业工会联合会, a development-zone union …). A rule without a group is the district's
    fallback (兜底); without any rule the district's county-level union is the fallback.

    Scope: a rule belongs to the subtree of its receiving union (an administrator sees and edits the
    rules that send applications into their own subtree).
    """

    scope_path = "union__path"
    objects = ScopedQuerySet.as_manager()

    region = models.ForeignKey("regions.Region", verbose_name="区县", on_delete=models.PROTECT)
    new_form_group = models.ForeignKey(
        "members.NewFormGroup",
        verbose_name="新就业形态群体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="留空表示该区县的兜底接收工会",
    )
    union = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="接收工会", on_delete=models.PROTECT, related_name="routing_rules"
    )
    is_active = models.BooleanField("启用", default=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "入会分配规则"
        ordering = ["region__code", "new_form_group__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "new_form_group"],
                condition=Q(new_form_group__isnull=False),
                name="routing_one_rule_per_group_district",
                violation_error_message="该区县的这一群体已有分配规则",
            ),
            models.UniqueConstraint(
                fields=["region"],
                condition=Q(new_form_group__isnull=True),
                name="routing_one_fallback_per_district",
                violation_error_message="该区县已有兜底接收工会",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} · {self.new_form_group or '兜底'} → {self.union.name}"

    def get_absolute_url(self) -> str:
        return reverse("joining:rule-list")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    FORWARDED = "forwarded", "已转交"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未通过"
    WITHDRAWN = "withdrawn", "已撤回"


OPEN_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.FORWARDED)
OPEN_APPLICATION_EXISTS = "该身份证号已有一份正在办理的入会申请，请勿重复提交；可凭申请编号和身份证号查询进度。如果这份申请不是您本人提交的，请携带身份证到工作单位所在地的县（市、区）总工会核实处理"


class JoinApplication(PersonalData, ScopedModel, TimestampedModel):
    scope_path = "routed_union__path"

    number = models.CharField(
        "申请编号", max_length=20, unique=True, error_messages={"unique": "申请编号重复，请重新提交"}
    )
    name = models.CharField("姓名", max_length=50)
    workplace = models.ForeignKey(
        "orgs.Workplace", verbose_name="工作单位", null=True, blank=True, on_delete=models.SET_NULL
    )
    no_union_at_work = models.BooleanField("单位未建会或新就业形态", default=False)
    employer_name = models.CharField(
        "工作单位名称",
        max_length=100,
        blank=True,
        help_text="单位未建会时申请人填写（灵活就业者可填「无固定单位」）",
    )
    employer_uscc = models.CharField("工作单位统一社会信用代码", max_length=18, blank=True)
    is_migrant_worker = models.BooleanField("农民工", default=False, help_text="申请人自报，审核时可更正")
    new_form_group = models.ForeignKey(
        "members.NewFormGroup", verbose_name="新就业形态群体", null=True, blank=True, on_delete=models.PROTECT
    )
    district = models.ForeignKey(
        "regions.Region", verbose_name="工作或居住区县", null=True, blank=True, on_delete=models.PROTECT
    )
    consent_constitution = models.BooleanField("承认工会章程", default=False)
    consent_personal_data = models.BooleanField("同意个人信息使用", default=False)
    consent_version = models.CharField("告知书版本", max_length=20)
    routed_union = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="受理工会", on_delete=models.PROTECT, related_name="join_applications"
    )
    route_reason = models.CharField("分配依据", max_length=100, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField("提交时间", db_index=True)
    deadline = models.DateField("办理期限", db_index=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    reject_reason = models.CharField("未通过原因", max_length=255, blank=True)
    member = models.ForeignKey(
        "members.Member", verbose_name="会员记录", null=True, blank=True, on_delete=models.PROTECT
    )
    held_elsewhere = models.BooleanField(
        "身份证号已有会籍",
        default=False,
        help_text="提交时该身份证号已有有效会籍，但姓名或手机号与会员登记不一致：请人工核实",
    )

    class Meta:
        verbose_name = verbose_name_plural = "入会申请"
        ordering = ["submitted_at", "id"]
        indexes = [models.Index(fields=["routed_union", "status", "submitted_at"])]
        # At most one open application per ID number: the submit service refuses a second one, and
        # this partial unique index decides when two submissions race (services/submission.py turns
        # the violation into the same refusal).
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"],
                condition=Q(status__in=["submitted", "forwarded"]),
                name="joining_one_open_application_per_id",
                violation_error_message=OPEN_APPLICATION_EXISTS,
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("joining:application-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class StatusEvent(models.Model):
    """A status change of an application or a transfer: who (an account, or 申请人 / 系统), when,
    from → to, and a note. A subclass adds the foreign key to its row and the two status fields with
    that row's choices (``status_fields``); the services write it through ``services.flow.Flow``."""

    objects = ScopedQuerySet.as_manager()

    at = models.DateTimeField("时间", auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField(
        "操作方", max_length=50, blank=True, help_text="无登录账号时：申请人、系统"
    )
    note = models.CharField("说明", max_length=255, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    @staticmethod
    def status_fields(choices) -> tuple[models.CharField, models.CharField]:
        """``from_status, to_status = StatusEvent.status_fields(XStatus.choices)``"""
        return (
            models.CharField("原状态", max_length=16, choices=choices, blank=True),
            models.CharField("新状态", max_length=16, choices=choices),
        )

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"

    @property
    def who(self) -> str:
        return str(self.actor) if self.actor_id else self.actor_label


class ApplicationEvent(StatusEvent):
    """Every state change of an application, and the union it was with (and came from, when forwarded)."""

    scope_path = "application__routed_union__path"

    application = models.ForeignKey(
        JoinApplication, verbose_name="申请", on_delete=models.CASCADE, related_name="events"
    )
    from_status, to_status = StatusEvent.status_fields(ApplicationStatus.choices)
    from_union = models.ForeignKey(
        "orgs.UnionOrg",
        verbose_name="原受理工会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_union = models.ForeignKey(
        "orgs.UnionOrg",
        verbose_name="受理工会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "入会申请记录"

    def __str__(self) -> str:
        return f"{self.application.number} {super().__str__()}"


class InsurancePlanOffer(models.Model):
    """保障计划赠送: the accident mutual-insurance plan offered to a new new-form member."""

    class Status(models.TextChoices):
        OFFERED = "offered", "已赠送待确认"
        ACCEPTED = "accepted", "已接受"
        DECLINED = "declined", "已放弃"

    scope_path = "member__union__path"
    objects = ScopedQuerySet.as_manager()

    member = models.OneToOneField(
        "members.Member",
        verbose_name="会员",
        on_delete=models.PROTECT,
        related_name="insurance_offer",
        error_messages={"unique": "该会员已有保障计划赠送记录"},
    )
    application = models.ForeignKey(
        JoinApplication, verbose_name="入会申请", null=True, blank=True, on_delete=models.SET_NULL
    )
    plan = models.CharField("保障计划", max_length=100, default="在职职工意外伤害互助保障")
    offered_on = models.DateField("赠送日期")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OFFERED)
    accepted_on = models.DateField("接受日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "保障计划赠送"

    def __str__(self) -> str:
        return f"{self.member.name} {self.plan} {self.get_status_display()}"


class TransferQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """A transfer concerns two unions: either side's users see it."""
        return narrow(self, user, "from_union__path", "to_union__path")


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", "待确认"
    CONFIRMED = "confirmed", "已确认转出"
    AUTO_CONFIRMED = "auto_confirmed", "逾期自动确认"
    REFUSED = "refused", "已拒绝"
    CANCELLED = "cancelled", "已撤销"


class TransferRequest(ScopedModel, TimestampedModel):
    """会籍转接: the new union (or the member) asks and the holding union answers; or the holding union
    starts a transfer out and the new union answers. Without an answer by the deadline it is confirmed
    automatically (the scheduled task ``auto_confirm_transfers_task``)."""

    objects = TransferQuerySet.as_manager()
    scope_path = "from_union__path"

    class Channel(models.TextChoices):
        UNION = "union", "转入工会申请"
        PUBLIC = "public", "会员本人申请"
        OUTGOING = "outgoing", "转出工会发起"

    member = models.ForeignKey(
        "members.Member", verbose_name="会员", on_delete=models.PROTECT, related_name="transfer_requests"
    )
    from_union = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="转出工会", on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_union = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="转入工会", on_delete=models.PROTECT, related_name="transfers_in"
    )
    workplace = models.ForeignKey(
        "orgs.Workplace", verbose_name="新工作单位", null=True, blank=True, on_delete=models.SET_NULL
    )
    channel = models.CharField("申请方式", max_length=16, choices=Channel.choices, default=Channel.UNION)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=16, choices=TransferStatus.choices, default=TransferStatus.REQUESTED
    )
    requested_at = models.DateTimeField("申请时间")
    deadline = models.DateField("答复期限", db_index=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("说明", max_length=255, blank=True)
    refuse_reason = models.CharField("拒绝原因", max_length=255, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "会籍转接申请"
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status="requested"),
                name="joining_one_open_transfer_per_member",
                violation_error_message="该会员已有一份待确认的转接申请",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member.name}：{self.from_union.name} → {self.to_union.name}"

    def get_absolute_url(self) -> str:
        return reverse("joining:transfer-detail", args=[self.pk])

    @property
    def answering_union(self):
        """The side that confirms or refuses: the receiving union when the holding union started it."""
        return self.to_union if self.channel == self.Channel.OUTGOING else self.from_union


class TransferEvent(StatusEvent):
    scope_path = "transfer__from_union__path"

    transfer = models.ForeignKey(
        TransferRequest, verbose_name="转接申请", on_delete=models.CASCADE, related_name="events"
    )
    from_status, to_status = StatusEvent.status_fields(TransferStatus.choices)

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "会籍转接记录"


class Notification(models.Model):
    """The outbox: every message to an applicant or member. The sender is pluggable
    (``GONGHUI_NOTIFY_SENDER``); the default only records and logs, no SMS gateway is reachable here."""

    class Status(models.TextChoices):
        QUEUED = "queued", "待发送"
        SENT = "sent", "已发送"
        LOGGED = "logged", "已记录（未接短信网关）"
        FAILED = "failed", "发送失败"

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    phone_enc = models.TextField("手机号（密文）", blank=True, editable=False)
    phone_masked = models.CharField("手机号", max_length=20, blank=True)
    text = models.TextField("内容")
    application = models.ForeignKey(
        JoinApplication,
        verbose_name="入会申请",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    transfer = models.ForeignKey(
        TransferRequest,
        verbose_name="转接申请",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # A message to an account (supervision's reminders) rather than to a phone number: the sender reaches
    # the user by the account (a gateway looks up the user's contact details).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收用户",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    sender = models.CharField("发送方式", max_length=200, blank=True)
    error = models.CharField("错误", max_length=255, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知消息"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.phone_masked} {self.text[:20]}"

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_enc)


class RateCounter(models.Model):
    """One fixed window of a public page's rate limit, counted in the database (``ratelimit.py``): the
    limiter every worker shares when Redis is not configured or not reachable.

    ``key`` is a keyed hash of the address or ID number (never the value); ``window`` is the window's
    number (seconds since the epoch divided by its length) and ``expires`` its end in epoch seconds, so
    that old rows are purged by one indexed DELETE."""

    kind = models.CharField("限制类型", max_length=20)
    key = models.CharField("计数键", max_length=32)
    window = models.BigIntegerField("时间窗")
    hits = models.PositiveIntegerField("次数", default=0)
    expires = models.BigIntegerField("到期时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "访问频率计数"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "window"],
                name="ratecounter_one_row_per_window",
                violation_error_message="同一时间窗的计数已存在",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.window}: {self.hits}"
