"""Other departments' directories (名录) matched to the registry, and the unorganised list (清单 + 领单).

A directory file is imported as a dated :class:`DirectoryEdition` of a :class:`DirectorySource`; each of
its rows updates one :class:`DirectoryEntry` (one per source and registrant: by USCC, or by county and
normalised name when the row has none), which is matched to an ``orgs.Workplace`` by USCC or by
normalised name within its county. Uncertain name matches wait as :class:`MatchCandidate` questions.
Entries that no active union covers become :class:`ListItem` rows a county or township union claims and
works off, with :class:`ListItemEvent` (every step) and :class:`Visit` rows.

Entries and list items hang in the union tree by their territory (the county union of the entry's
county, or the governing union of the matched workplace), so a township sees its own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from gonghui.core.files import get_private_storage
from gonghui.core.models import ScopedModel, TimestampedModel
from gonghui.orgs.models import Industry


class DirectorySource(models.Model):
    """来源: the department a directory comes from (editable reference data). The built-in sources the
    code itself writes to (网上入会) are not editable."""

    JOINING = "joining"  # the source 网上入会 (an applicant names an employer without a union)

    code = models.SlugField("代码", max_length=32, unique=True, error_messages={"unique": "该来源代码已存在"})
    name = models.CharField(
        "来源名称", max_length=50, unique=True, error_messages={"unique": "该来源名称已存在"}
    )
    editable = models.BooleanField(
        "可修改", default=True, help_text="系统内置的来源（如网上入会）不可修改或删除"
    )
    order = models.PositiveSmallIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "名录来源"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class DirectoryEdition(ScopedModel):
    """One import of a source's directory: 截至日期, the file's name and SHA-256, who imported it and the
    counts. Re-importing the same file of the same source reuses its edition. Scoped by the union the
    import was made for (the importer's node), as import jobs are."""

    scope_path = "scope__path"

    source = models.ForeignKey(
        DirectorySource, verbose_name="来源", on_delete=models.PROTECT, related_name="editions"
    )
    as_of = models.DateField("截至日期")
    file_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    scope = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="导入范围", on_delete=models.PROTECT, related_name="directory_editions"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    import_job = models.ForeignKey(
        "imports.ImportJob",
        verbose_name="导入记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rows = models.PositiveIntegerField("行数", default=0)
    errors = models.PositiveIntegerField("错误行", default=0)
    duplicates = models.PositiveIntegerField("重复行", default=0)
    created = models.PositiveIntegerField("新增条目", default=0)
    updated = models.PositiveIntegerField("更新条目", default=0)
    unlisted = models.PositiveIntegerField("不再列入", default=0)
    matched_code = models.PositiveIntegerField("按代码匹配", default=0)
    matched_name = models.PositiveIntegerField("按名称匹配", default=0)
    uncertain = models.PositiveIntegerField("待确认", default=0)
    new = models.PositiveIntegerField("新单位", default=0)
    closed = models.PositiveIntegerField("注销吊销", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "名录版本"
        ordering = ["-as_of", "-id"]
        indexes = [models.Index(fields=["source", "sha256"])]

    def __str__(self) -> str:
        return f"{self.source}（截至 {self.as_of}）"

    def get_absolute_url(self) -> str:
        return reverse("directories:edition-detail", args=[self.pk])


class MatchMethod(models.TextChoices):
    CODE = "code", "按代码"
    NAME = "name", "按名称"
    MANUAL = "manual", "人工确认"
    UNCERTAIN = "uncertain", "待确认"
    NEW = "new", "新单位"


class DirectoryEntry(ScopedModel, TimestampedModel):
    """A registrant as a source lists it, kept across editions (never deleted: an entry that vanished
    from a newer edition is marked no longer listed)."""

    scope_path = "territory__path"

    source = models.ForeignKey(
        DirectorySource, verbose_name="来源", on_delete=models.PROTECT, related_name="entries"
    )
    # The identity inside the source: "U" + USCC, or "N" + county code + normalised name without one.
    key = models.CharField("条目标识", max_length=220, editable=False)
    uscc = models.CharField("统一社会信用代码", max_length=18, null=True, blank=True)
    name = models.CharField("单位名称", max_length=200)
    name_normalized = models.CharField("规范化名称", max_length=200, editable=False)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    registration_status = models.CharField("登记状态", max_length=20, blank=True)
    is_closed = models.BooleanField("已注销或吊销", default=False)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    registered_capital = models.CharField("注册资本", max_length=50, blank=True)
    employees = models.PositiveIntegerField("从业人数", null=True, blank=True)
    address = models.CharField("住所", max_length=255, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name="所属区县", on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField("行业", max_length=1, choices=Industry.choices, blank=True)
    industry_text = models.CharField("行业（原文）", max_length=100, blank=True)
    territory = models.ForeignKey(
        "orgs.UnionOrg",
        verbose_name="属地工会",
        on_delete=models.PROTECT,
        related_name="directory_entries",
        help_text="区县总工会，或已匹配单位的属地工会",
    )
    first_edition = models.ForeignKey(
        DirectoryEdition,
        verbose_name="首次列入版本",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_edition = models.ForeignKey(
        DirectoryEdition,
        verbose_name="最近列入版本",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    is_listed = models.BooleanField("仍在名录中", default=True)
    workplace = models.ForeignKey(
        "orgs.Workplace",
        verbose_name="匹配单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_entries",
    )
    match_method = models.CharField(
        "匹配方式", max_length=16, choices=MatchMethod.choices, default=MatchMethod.NEW
    )
    match_confidence = models.PositiveSmallIntegerField("置信度", default=0, help_text="0–100")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "名录条目"
        ordering = ["-employees", "name"]
        indexes = [
            models.Index(fields=["territory", "is_listed"]),
            models.Index(fields=["match_method"]),
            # Exact lookups only (matching, joining's feed): plain B-trees, no pattern-ops twins.
            models.Index(fields=["uscc"], name="directory_entry_uscc"),
            models.Index(fields=["name_normalized"], name="directory_entry_name_norm"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "key"],
                name="directory_entry_once_per_source",
                violation_error_message="该来源中已有此单位",
            ),
            models.CheckConstraint(
                condition=Q(match_confidence__lte=100),
                name="directory_entry_confidence_range",
                violation_error_message="置信度应在 0 到 100 之间",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directories:entry-detail", args=[self.pk])


class MatchCandidate(ScopedModel):
    """A question for the confirm page: is this entry that workplace? Pending until a user confirms or
    rejects it (or answers 「新单位」 for the entry, which rejects every pending candidate). Seen by
    whoever sees its entry."""

    scope_path = "entry__territory__path"

    class Decision(models.TextChoices):
        PENDING = "pending", "待确认"
        CONFIRMED = "confirmed", "已确认"
        REJECTED = "rejected", "已否定"

    entry = models.ForeignKey(
        DirectoryEntry, verbose_name="名录条目", on_delete=models.CASCADE, related_name="candidates"
    )
    workplace = models.ForeignKey(
        "orgs.Workplace", verbose_name="候选单位", on_delete=models.CASCADE, related_name="+"
    )
    confidence = models.PositiveSmallIntegerField("置信度", default=0)
    reason = models.CharField("依据", max_length=100)
    decision = models.CharField("结论", max_length=16, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "匹配候选"
        ordering = ["entry", "-confidence", "workplace"]
        indexes = [models.Index(fields=["decision", "entry"])]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "workplace"],
                name="match_candidate_once",
                violation_error_message="该候选单位已列出",
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} → {self.workplace_id}（{self.confidence}）"


class ListItem(ScopedModel, TimestampedModel):
    """清单项: an entry no active union covers, in a territory's list, claimed and worked off (领单,
    对账销号). Closed only with an outcome (and a reason when not eligible)."""

    scope_path = "territory__path"

    class Status(models.TextChoices):
        OPEN = "open", "待领取"
        CLAIMED = "claimed", "已领取"
        CLOSED = "closed", "已销号"

    class Outcome(models.TextChoices):
        FOUNDED = "founded", "已建会"
        JOINT = "joint", "已由联合基层工会覆盖"
        NOT_ELIGIBLE = "not_eligible", "不具备建会条件"

    class IneligibleReason(models.TextChoices):
        CLOSED = "closed", "已注销或停业"
        TOO_FEW = "too_few", "职工人数不足"
        MOVED = "moved", "已迁出"
        OTHER = "other", "其他"

    entry = models.OneToOneField(
        DirectoryEntry,
        verbose_name="名录条目",
        on_delete=models.PROTECT,
        related_name="list_item",
        error_messages={"unique": "该名录条目已在清单中"},
    )
    territory = models.ForeignKey(
        "orgs.UnionOrg", verbose_name="属地工会", on_delete=models.PROTECT, related_name="list_items"
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    claimed_by = models.ForeignKey(
        "orgs.UnionOrg",
        verbose_name="领单工会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claimed_items",
    )
    claimed_at = models.DateTimeField("领单时间", null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="派单人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_on = models.DateField("完成期限", null=True, blank=True)
    outcome = models.CharField("销号结果", max_length=16, choices=Outcome.choices, blank=True)
    ineligible_reason = models.CharField(
        "不具备条件原因", max_length=16, choices=IneligibleReason.choices, blank=True
    )
    reason_note = models.CharField("原因说明", max_length=255, blank=True)
    founded_union = models.ForeignKey(
        "orgs.UnionOrg",
        verbose_name="所建工会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="销号人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "未建会清单"
        ordering = ["status", "due_on", "id"]
        indexes = [
            models.Index(fields=["territory", "status"]),
            models.Index(fields=["status", "due_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome=""),
                name="list_item_closed_has_outcome",
                violation_error_message="销号须填写结果",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="not_eligible") | ~Q(ineligible_reason=""),
                name="list_item_not_eligible_has_reason",
                violation_error_message="不具备建会条件的须说明原因",
            ),
        ]

    def __str__(self) -> str:
        return f"清单项 {self.entry}"

    def get_absolute_url(self) -> str:
        return reverse("worklist:item-detail", args=[self.pk])

    @property
    def name(self) -> str:
        """The registrant's name (what lists, exports and the API show for an item)."""
        return self.entry.name


class ListItemEvent(models.Model):
    """Every step of an item (claim, assignment, visit, closing …): who, when, from → to."""

    item = models.ForeignKey(ListItem, verbose_name="清单项", on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("操作", max_length=32)
    from_status = models.CharField("原状态", max_length=16, blank=True)
    to_status = models.CharField("新状态", max_length=16, blank=True)
    detail = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "清单项记录"
        ordering = ["item", "at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.action} {self.from_status}→{self.to_status}"


class Visit(models.Model):
    """A contact or visit for an item: date, who went, outcome, note and an attachment (sealed at rest)."""

    class Outcome(models.TextChoices):
        CONTACTED = "contacted", "已联系"
        AGREED = "agreed", "同意建会"
        REFUSED = "refused", "暂不同意"
        NOT_FOUND = "not_found", "查无此单位"
        OTHER = "other", "其他"

    item = models.ForeignKey(ListItem, verbose_name="清单项", on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField("走访日期")
    visitors = models.CharField("走访人", max_length=100)
    outcome = models.CharField("走访结果", max_length=16, choices=Outcome.choices)
    note = models.TextField("情况说明", blank=True)
    attachment = models.FileField(
        "附件", upload_to="directories/visits/%Y/%m/", storage=get_private_storage, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "走访记录"
        ordering = ["item", "visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.visited_on}"
