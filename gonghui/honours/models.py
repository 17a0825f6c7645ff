"""Honours (荣誉) and demonstration sites: one lifecycle for every kind.

- :class:`HonourKind` — a kind of honour as data: 全国/省/市/县 模范职工之家, 模范职工小家, 民营企业工会规范化建设
  示范点, 优秀职工代表提案, 厂务公开民主管理先进单位/先进个人, 优秀工会工作者 … Its level, its subject (a union, a
  workplace, a person — a member —, a proposal), its criteria checklist (automatic from the registry, or by
  evidence), its quota and minimum shares (民营企业 ≥ 50 %), its re-inspection interval and its grant.
- :class:`Round` (评选) — a year's selection of a kind by an issuer, with :class:`RoundQuota` per sub-unit;
  :class:`Nomination` rows come up from below (a county recommends; each level forwards or rejects;
  the issuer selects), go through 公示 and are named (命名, document number); the automatic criteria are
  computed as of the round's ``criteria_date`` and frozen on the nomination.
- :class:`Title` — a named honour held (the database of holders, 模范职工之家管理数据库): made by naming, or
  registered from a past naming (e.g. a national one named by 全国总工会). Dynamic management:
  :class:`Reinspection` rounds (复查 / 回头看) with one :class:`ReinspectionRecord` per holder due, whose
  result keeps, suspends (限期整改) or revokes the title; revoked titles stay in the history.
- :class:`Grant` — the grant of a demonstration site (approved → paid once: amount, date, voucher).
- :class:`Proposal` — an excellent worker-representative proposal (the subject of a proposal kind).
- :class:`Partnership` (结对共建) between a named model home and a grassroots union, with
  :class:`PartnershipActivity` rows.

Every step is an event row (:class:`NominationEvent`, :class:`TitleEvent`); files are sealed at rest.
Rows hang in the union tree by the subject's union (``node``), so a county sees its own nominations and
holders and every level above — the round's issuer included — sees those of its subtree.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from gonghui.core.files import get_private_storage
from gonghui.core.models import ScopedModel, ScopedQuerySet, StepEvent, TimestampedModel, actor_fk
from gonghui.core.scope import EVERYTHING, scope_prefix


class Level(models.TextChoices):
    NATIONAL = "national", "全国"
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class SubjectKind(models.TextChoices):
    UNION = "union", "工会组织"
    WORKPLACE = "workplace", "单位"
    PERSON = "person", "个人"
    PROPOSAL = "proposal", "提案"


class Category(models.TextChoices):
    MODEL_HOME = "model_home", "模范职工之家"
    MODEL_SMALL_HOME = "model_small_home", "模范职工小家"
    DEMONSTRATION_SITE = "demonstration_site", "示范点"
    PROPOSAL = "proposal", "优秀职工代表提案"
    ADVANCED_UNIT = "advanced_unit", "先进单位"
    ADVANCED_PERSON = "advanced_person", "先进个人"
    UNION_WORKER = "union_worker", "优秀工会工作者"


class HonourKind(models.Model):
    """A kind of honour, as data (reference data, the same for every node).

    ``criteria``: ``[{"code", "label", "source": "auto" | "evidence", "params": {...}}]`` — an automatic
    item names a criterion registered in ``honours.criteria`` (e.g. ``join_rate`` with ``{"min": 90}``);
    an evidence item is judged by the reviewers from the attached files.
    ``shares``: ``[{"code": "private", "label": "民营企业", "min_percent": 50}]`` — minimum shares of a
    level's forwarded nominations (a share below it is a warning the forwarder must acknowledge)."""

    code = models.SlugField(
        "代码", max_length=50, unique=True, error_messages={"unique": "该代码的荣誉类型已存在"}
    )
    name = models.CharField("荣誉名称", max_length=100)
    category = models.CharField("类别", max_length=32, choices=Category.choices)
    level = models.CharField("级别", max_length=16, choices=Level.choices)
    subject = models.CharField("评选对象", max_length=16, choices=SubjectKind.choices)
    criteria = models.JSONField("评选条件", default=list, blank=True)
    quota_per_year = models.PositiveIntegerField("年度名额", null=True, blank=True)
    shares = models.JSONField("结构比例要求", default=list, blank=True)
    reinspection_years = models.PositiveSmallIntegerField(
        "复查周期（年）", null=True, blank=True, help_text="命名后每隔几年复查一次；不复查的留空"
    )
    grant_amount = models.DecimalField(
        "补助金额（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    description = models.TextField("说明", blank=True)
    order = models.PositiveSmallIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "荣誉类型"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class RoundStatus(models.TextChoices):
    OPEN = "open", "推荐中"
    NOTICE = "notice", "公示中"
    NAMED = "named", "已命名"
    CANCELLED = "cancelled", "已取消"


class RoundQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> RoundQuerySet:
        """The rounds issued in the user's subtree, and those of the unions above the user's node: a
        county recommends into its city's and its province's rounds (it sees their nominations only
        as far as ``Nomination.objects.visible_to`` lets it)."""
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        if prefix == EVERYTHING:
            return self.all()
        above = [int(seg) for seg in prefix.strip("/").split("/")[:-1] if seg]
        return self.filter(Q(issuer__path__startswith=prefix) | Q(issuer_id__in=above))


class Round(ScopedModel, TimestampedModel):
    """评选: a year's selection of a kind by an issuer (e.g. 芜湖市总工会 2023 年市级模范职工之家评选)."""

    scope_path = "issuer__path"
    objects = RoundQuerySet.as_manager()

    kind = models.ForeignKey(
        HonourKind, verbose_name="荣誉类型", on_delete=models.PROTECT, related_name="rounds"
    )
    issuer = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="评选单位", on_delete=models.PROTECT, related_name="honour_rounds"
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("评选名称", max_length=200)
    criteria_date = models.DateField("条件核定日期", help_text="自动核定的评选条件按此日期的台账计算")
    deadline = models.DateField("推荐截止日期")
    quota = models.PositiveIntegerField("名额", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=RoundStatus.choices, default=RoundStatus.OPEN, db_index=True
    )
    notice_start = models.DateField("公示开始", null=True, blank=True)
    notice_end = models.DateField("公示结束", null=True, blank=True)
    document_number = models.CharField(
        "命名文号", max_length=50, blank=True, help_text="如 皖工发〔2023〕12号"
    )
    named_on = models.DateField("命名日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    created_by = actor_fk("创建人")

    class Meta:
        verbose_name = verbose_name_plural = "评选"
        ordering = ["-year", "issuer__path", "kind__order"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("honours:round-detail", args=[self.pk])


class RoundQuota(models.Model):
    """名额分配: how many nominations a sub-unit of the issuer may forward in a round."""

    round = models.ForeignKey(Round, verbose_name="评选", on_delete=models.CASCADE, related_name="quotas")
    unit = models.ForeignKey("orgs.UnionOrg", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    quota = models.PositiveIntegerField("名额")

    class Meta:
        verbose_name = verbose_name_plural = "名额分配"
        ordering = ["round", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit"],
                name="honours_one_quota_per_unit",
                violation_error_message="该单位已分配名额",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.quota}"


class Subject(models.Model):
    """Who or what is honoured: exactly one of union, workplace, member (a person), proposal; ``node`` is
    the union the subject hangs in (the union itself, the workplace's 属地工会, the member's union, the
    proposal's union) and ``subject_name`` the name as it was when recorded."""

    node = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="所属工会", on_delete=models.PROTECT, related_name="+"
    )
    subject_kind = models.CharField("对象类型", max_length=16, choices=SubjectKind.choices)
    union = models.ForeignKey(
        "orgs.UnionOrg",
        verbose_name="工会组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    workplace = models.ForeignKey(
        "orgs.Workplace",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name="个人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposal = models.ForeignKey(
        "Proposal", verbose_name="提案", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_name = models.CharField("对象名称", max_length=200)
    # The ownership of the subject's workplace when recorded (民营企业 share of nominations).
    ownership = models.CharField("单位性质", max_length=16, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def one_subject(cls, name: str) -> models.CheckConstraint:
        # The kind of subject each field holds: a member is a person (SubjectKind.PERSON, "person").
        kinds = {"union": "union", "workplace": "workplace", "member": "person", "proposal": "proposal"}

        def only(field: str) -> Q:
            q = Q(subject_kind=kinds[field], **{f"{field}__isnull": False})
            for other in ("union", "workplace", "member", "proposal"):
                if other != field:
                    q &= Q(**{f"{other}__isnull": True})
            return q

        return models.CheckConstraint(
            condition=only("union") | only("workplace") | only("member") | only("proposal"),
            name=name,
            violation_error_message="评选对象须是工会组织、单位、个人或提案之一",
        )


class NominationStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PENDING = "pending", "待审核"
    REJECTED = "rejected", "未通过"
    SELECTED = "selected", "拟命名"
    NAMED = "named", "已命名"
    WITHDRAWN = "withdrawn", "已撤回"


class Nomination(Subject, ScopedModel, TimestampedModel):
    """推荐: a subject recommended in a round by ``nominated_by`` (a county, or any unit under the issuer)
    and waiting at ``at_unit`` (the level that must forward or reject it; the issuer selects).
    ``criteria``: the checklist as judged, frozen as of the round's ``criteria_date``:
    ``[{"code", "label", "source", "passed": bool | None, "value", "detail"}]``."""

    scope_path = "node__path"

    round = models.ForeignKey(
        Round, verbose_name="评选", on_delete=models.PROTECT, related_name="nominations"
    )
    nominated_by = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="推荐单位", on_delete=models.PROTECT, related_name="+"
    )
    at_unit = models.ForeignKey(
        "orgs.UnionOrg",
        verbose_name="当前审核单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=16, choices=NominationStatus.choices, default=NominationStatus.DRAFT, db_index=True
    )
    summary = models.TextField("主要事迹", blank=True)
    criteria = models.JSONField("评选条件核定", default=list, blank=True)
    criteria_as_of = models.DateField("条件核定日期", null=True, blank=True)
    reason = models.CharField("未通过原因", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "推荐对象"
        ordering = ["round", "nominated_by__path", "id"]
        indexes = [models.Index(fields=["round", "at_unit", "status"])]
        constraints = [Subject.one_subject("honours_nomination_one_subject")]

    def __str__(self) -> str:
        return f"{self.subject_name}（{self.round}）"

    def get_absolute_url(self) -> str:
        return reverse("honours:nomination-detail", args=[self.pk])


class NominationEvent(StepEvent):
    """Every step of a nomination (created, criteria computed, evidence, submitted, forwarded, rejected,
    selected, named, withdrawn): who, at which level, from → to, the note."""

    nomination = models.ForeignKey(
        Nomination, verbose_name="推荐对象", on_delete=models.CASCADE, related_name="events"
    )
    unit = models.ForeignKey(
        "orgs.UnionOrg",
        verbose_name="办理单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "推荐记录"
        ordering = ["nomination", "at", "id"]


class NominationEvidence(models.Model):
    """佐证材料 of a nomination (or of an evidence item of its checklist), sealed at rest."""

    nomination = models.ForeignKey(
        Nomination, verbose_name="推荐对象", on_delete=models.CASCADE, related_name="evidence"
    )
    criterion = models.CharField("对应条件", max_length=50, blank=True)
    file = models.FileField("文件", upload_to="honours/evidence/%Y/%m/", storage=get_private_storage)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = actor_fk("上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "推荐佐证材料"
        ordering = ["nomination", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class TitleStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    RECTIFYING = "rectifying", "限期整改"
    REVOKED = "revoked", "已撤销"


class Title(Subject, ScopedModel, TimestampedModel):
    """荣誉: a named honour held by a subject — named in a round, or registered from a past naming
    (``round`` empty). ``next_inspection`` is when the holder is next due for 复查 (named_on plus the
    kind's interval, moved on by every inspection); a revoked title stays, with the date and reason."""

    scope_path = "node__path"

    kind = models.ForeignKey(
        HonourKind, verbose_name="荣誉类型", on_delete=models.PROTECT, related_name="titles"
    )
    round = models.ForeignKey(
        Round, verbose_name="评选", null=True, blank=True, on_delete=models.PROTECT, related_name="titles"
    )
    nomination = models.OneToOneField(
        Nomination,
        verbose_name="推荐对象",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="title",
        error_messages={"unique": "该推荐对象已命名"},
    )
    year = models.PositiveSmallIntegerField("命名年度")
    named_on = models.DateField("命名日期")
    named_by = models.CharField("命名单位", max_length=100, help_text="如 全国总工会、安徽省总工会")
    document_number = models.CharField("命名文号", max_length=50, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=TitleStatus.choices, default=TitleStatus.ACTIVE, db_index=True
    )
    rectify_until = models.DateField("整改期限", null=True, blank=True)
    next_inspection = models.DateField("下次复查", null=True, blank=True, db_index=True)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    revoked_reason = models.CharField("撤销原因", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "荣誉"
        ordering = ["-year", "kind__order", "node__path", "id"]
        indexes = [models.Index(fields=["kind", "year", "status"])]
        constraints = [Subject.one_subject("honours_title_one_subject")]

    def __str__(self) -> str:
        return f"{self.subject_name} · {self.kind}（{self.year}）"

    def get_absolute_url(self) -> str:
        return reverse("honours:title-detail", args=[self.pk])


class TitleEvent(StepEvent):
    """Every step of a title (named, registered, inspected, rectification, revoked, grant, pairing)."""

    title = models.ForeignKey(Title, verbose_name="荣誉", on_delete=models.CASCADE, related_name="events")

    class Meta:
        verbose_name = verbose_name_plural = "荣誉记录"
        ordering = ["title", "at", "id"]


class Reinspection(ScopedModel, TimestampedModel):
    """复查 (回头看): an issuer's inspection of the holders of a kind named in ``named_from``…``named_to``
    (years) and due by ``as_of``; the automatic criteria are recomputed as of ``as_of``."""

    scope_path = "issuer__path"

    class Status(models.TextChoices):
        OPEN = "open", "复查中"
        CLOSED = "closed", "已完成"

    kind = models.ForeignKey(
        HonourKind, verbose_name="荣誉类型", on_delete=models.PROTECT, related_name="reinspections"
    )
    issuer = models.ForeignKey(
        "orgs.UnionOrg",
        verbose_name="复查单位",
        on_delete=models.PROTECT,
        related_name="honour_reinspections",
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("复查名称", max_length=200)
    named_from = models.PositiveSmallIntegerField("命名年度自")
    named_to = models.PositiveSmallIntegerField("命名年度至")
    as_of = models.DateField("条件核定日期")
    deadline = models.DateField("完成期限")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    created_by = actor_fk("创建人")

    class Meta:
        verbose_name = verbose_name_plural = "复查"
        ordering = ["-year", "issuer__path"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("honours:reinspection-detail", args=[self.pk])


class InspectionResult(models.TextChoices):
    PENDING = "", "待复查"
    RETAIN = "retain", "保留"
    RECTIFY = "rectify", "限期整改"
    REVOKE = "revoke", "撤销"


class ReinspectionRecord(ScopedModel):
    """One holder's inspection in a 复查: the recomputed criteria (frozen), the result and who decided."""

    scope_path = "holder__node__path"

    reinspection = models.ForeignKey(
        Reinspection, verbose_name="复查", on_delete=models.CASCADE, related_name="records"
    )
    holder = models.ForeignKey(
        Title, verbose_name="荣誉", on_delete=models.PROTECT, related_name="inspections"
    )
    criteria = models.JSONField("条件核定", default=list, blank=True)
    result = models.CharField("结论", max_length=16, choices=InspectionResult.choices, blank=True, default="")
    rectify_until = models.DateField("整改期限", null=True, blank=True)
    note = models.TextField("复查意见", blank=True)
    inspected_on = models.DateField("复查日期", null=True, blank=True)
    inspected_by = actor_fk("复查人")

    class Meta:
        verbose_name = verbose_name_plural = "复查记录"
        ordering = ["reinspection", "holder__node__path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reinspection", "holder"],
                name="honours_one_record_per_holder",
                violation_error_message="该荣誉已列入本次复查",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reinspection_id}/{self.holder_id}"


class Grant(ScopedModel, TimestampedModel):
    """示范点补助: approved for a named site, then paid once (amount, date, voucher number)."""

    scope_path = "holder__node__path"

    class Status(models.TextChoices):
        APPROVED = "approved", "已批准"
        PAID = "paid", "已拨付"

    holder = models.OneToOneField(
        Title,
        verbose_name="荣誉",
        on_delete=models.PROTECT,
        related_name="grant",
        error_messages={"unique": "该示范点已有补助记录"},
    )
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.APPROVED)
    approved_on = models.DateField("批准日期")
    approval_document = models.CharField("批准文号", max_length=50, blank=True)
    approved_by = actor_fk("批准人")
    paid_on = models.DateField("拨付日期", null=True, blank=True)
    voucher_number = models.CharField("凭证号", max_length=50, blank=True)
    paid_by = actor_fk("拨付经办人")

    class Meta:
        verbose_name = verbose_name_plural = "示范点补助"
        ordering = ["-approved_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="approved", paid_on__isnull=True)
                | Q(status="paid", paid_on__isnull=False) & ~Q(voucher_number=""),
                name="honours_grant_paid_has_date_and_voucher",
                violation_error_message="已拨付的补助须有拨付日期和凭证号",
            )
        ]

    def __str__(self) -> str:
        return f"{self.holder_id}: {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("honours:grant-detail", args=[self.pk])


class Proposal(ScopedModel, TimestampedModel):
    """职工代表提案: raised at a workplace's 职代会 by a representative (a member), with its handling."""

    scope_path = "node__path"

    node = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="所属工会", on_delete=models.PROTECT, related_name="+"
    )
    workplace = models.ForeignKey(
        "orgs.Workplace", verbose_name="单位", on_delete=models.PROTECT, related_name="proposals"
    )
    proposer = models.ForeignKey(
        "members.Member",
        verbose_name="提案人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    co_proposers = models.CharField("附议人", max_length=200, blank=True)
    year = models.PositiveSmallIntegerField("年度")
    session = models.CharField("职代会届次", max_length=50, blank=True, help_text="如 第三届第二次")
    title = models.CharField("提案标题", max_length=200)
    content = models.TextField("提案内容")
    handling = models.TextField("办理结果", blank=True)
    created_by = actor_fk("登记人")

    class Meta:
        verbose_name = verbose_name_plural = "职工代表提案"
        ordering = ["-year", "node__path", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("honours:proposal-detail", args=[self.pk])


class Partnership(ScopedModel, TimestampedModel):
    """结对共建: a named model home (``holder``) paired with a grassroots union (``partner``)."""

    scope_path = "partner__path"

    holder = models.ForeignKey(
        Title, verbose_name="模范职工之家", on_delete=models.PROTECT, related_name="partnerships"
    )
    partner = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="结对工会", on_delete=models.PROTECT, related_name="honour_partnerships"
    )
    started_on = models.DateField("结对日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    goals = models.TextField("共建内容", blank=True)
    created_by = actor_fk("登记人")

    class Meta:
        verbose_name = verbose_name_plural = "结对共建"
        ordering = ["-started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "partner"],
                condition=Q(ended_on__isnull=True),
                name="honours_one_open_partnership",
                violation_error_message="该模范职工之家已与此工会结对",
            )
        ]

    def __str__(self) -> str:
        return f"{self.holder} ↔ {self.partner}"

    def get_absolute_url(self) -> str:
        return reverse("honours:partnership-detail", args=[self.pk])


class PartnershipActivity(models.Model):
    """A joint activity of a pairing (date, what was done, how many took part)."""

    partnership = models.ForeignKey(
        Partnership, verbose_name="结对共建", on_delete=models.CASCADE, related_name="activities"
    )
    on_date = models.DateField("活动日期")
    content = models.CharField("活动内容", max_length=500)
    participants = models.PositiveIntegerField("参加人数", default=0)
    recorded_by = actor_fk("登记人")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "共建活动"
        ordering = ["partnership", "-on_date", "id"]

    def __str__(self) -> str:
        return f"{self.on_date} {self.content[:30]}"
