"""会员 under the real-name system, and the membership events that every count is computed from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from gonghui.core.models import PersonalData, PersonalQuerySet, ScopedModel, TimestampedModel
from gonghui.core.search import trigram_index


class NewFormGroup(models.Model):
    """新就业形态劳动者群体: reference data an administrator can edit (八大群体, 网约车司机 …)."""

    code = models.CharField(
        "代码", max_length=32, unique=True, error_messages={"unique": "该群体代码已被使用"}
    )
    name = models.CharField("名称", max_length=50, unique=True, error_messages={"unique": "已有同名的群体"})
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "新就业形态群体"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class MemberStatus(models.TextChoices):
    ACTIVE = "active", "在会"
    RETAINED = "retained", "保留会籍"
    TRANSFERRED = "transferred", "已转出"
    EXITED = "exited", "已退会"
    REMOVED = "removed", "已除名"


# A person holds at most one membership in these states (the database enforces it).
HELD_STATUSES = (MemberStatus.ACTIVE, MemberStatus.RETAINED)


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", "在岗"
    LAID_OFF = "laid_off", "待（下）岗"
    UNEMPLOYED = "unemployed", "失业"
    RETIRED = "retired", "退休"
    RETIRED_CADRE = "retired_cadre", "离休"
    RESIGNED = "resigned", "退职"
    EARLY_RETIRED = "early_retired", "退养（内退）"
    SICK_LEAVE = "sick_leave", "病休"
    OTHER = "other", "其他"


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Member(PersonalData, ScopedModel, TimestampedModel):
    """One membership of one person. A person who leaves and later joins again gets a new row; the
    database allows only one row per person in 在会 / 保留会籍."""

    scope_path = "union__path"
    scope_by_ids = True  # a county's members by its unions' ids, not a join per row (core.scope.under)
    objects = PersonalQuerySet.as_manager()

    name = models.CharField("姓名", max_length=50)  # indexed for prefix search in Meta
    id_upgraded = models.BooleanField("由15位升级", default=False, editable=False)
    birth_date = models.DateField("出生日期", editable=False)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices, editable=False)
    # Kept for partitioning by province (DESIGN: "growing past one machine"), not for lookups.
    province_code = models.CharField("省份代码", max_length=2, editable=False)

    # Every index costs each imported row (a million-row ledger pays it a million times): the union
    # is served by the (union, status) index, the optional references by partial indexes (Meta).
    union = models.ForeignKey(
        "orgs.UnionOrg",
        verbose_name="所在工会",
        on_delete=models.PROTECT,
        related_name="members",
        db_index=False,
    )
    workplace = models.ForeignKey(
        "orgs.Workplace",
        verbose_name="工作单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        db_index=False,
    )
    join_date = models.DateField("入会日期")  # indexed with the pk in Meta (the list's keyset order)
    status = models.CharField(
        "会籍状态", max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    left_on = models.DateField("离会日期", null=True, blank=True)
    employment_status = models.CharField(
        "就业状态", max_length=16, choices=EmploymentStatus.choices, default=EmploymentStatus.EMPLOYED
    )
    is_migrant_worker = models.BooleanField("农民工", default=False)
    new_form_group = models.ForeignKey(
        NewFormGroup,
        verbose_name="新就业形态群体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
    )

    class Meta:
        verbose_name = verbose_name_plural = "会员"
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"],
                condition=Q(status__in=["active", "retained"]),
                name="member_one_held_membership",
                violation_error_message="该人员已有在会（或保留）会籍，一人只能有一个有效会籍",
            )
        ]
        indexes = [
            models.Index(fields=["union", "status"]),
            # The member list's order (join date, then pk: core.keyset), read backwards for the newest
            # first, carrying the union and the list's filters (会籍状态, 农民工, 新就业形态群体, 性别): a
            # subtree's page, filtered or not, is this index read in order, index-only, with
            # ``union_id IN (the subtree's unions)`` and the filters checked on each entry
            # (core.scope.under), stopping after 51 rows — no sort of the subtree's members, no visit to
            # their rows. It also serves join-date ranges (it replaced the index on join_date alone).
            models.Index(
                fields=["join_date", "id"],
                include=["union", "status", "is_migrant_worker", "new_form_group", "sex"],
                name="member_join_date_id_cover",
            ),
            # The same order within each union, carrying the same filters: a county's or a town's page
            # reads its unions' entries of this index alone (index-only, the page's keys first —
            # core.keyset), not each member's row scattered over the table (97,000 members of a county at
            # 10 M: 223 ms → 30 ms); and a subtree's filtered count (会籍状态, 农民工, a join-date range) is
            # counted here index-only too (a district inside a city at 10 M: 151 ms through the rows → see
            # README, issue 18).
            models.Index(
                fields=["union", "join_date", "id"],
                include=["status", "is_migrant_worker", "new_form_group", "sex"],
                name="member_union_join_date_cover",
            ),
            # Pattern ops: serves name__startswith whatever the database collation (and equality).
            models.Index(fields=["name"], name="member_name_prefix", opclasses=["varchar_pattern_ops"]),
            trigram_index("name", "member_name_trgm"),  # keyword search (PostgreSQL)
            models.Index(fields=["phone_hash"], name="member_phone_hash", condition=~Q(phone_hash="")),
            # With the status: members held at a workplace are counted from the index alone (数据质量).
            models.Index(
                fields=["workplace", "status"],
                name="member_workplace_status",
                condition=Q(workplace__isnull=False),
            ),
            # The few members whose ID was upgraded from 15 digits on entry (数据质量): a small index.
            models.Index(fields=["union"], name="member_id_upgraded", condition=Q(id_upgraded=True)),
            models.Index(
                fields=["new_form_group"],
                name="member_new_form_group",
                condition=Q(new_form_group__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"

    def get_absolute_url(self) -> str:
        return reverse("members:member-detail", args=[self.pk])

    def set_id_number(self, number: str) -> None:
        super().set_id_number(number)
        self.province_code = number[:2]

    @property
    def is_held(self) -> bool:
        return self.status in HELD_STATUSES


class EventKind(models.TextChoices):
    JOIN = "join", "入会"
    TRANSFER_IN = "transfer_in", "转入"
    RETAIN = "retain", "保留"
    TRANSFER_OUT = "transfer_out", "转出"
    REMOVE = "remove", "除名"
    EXIT = "exit", "退会"


# How each kind changes the member count of the union it is recorded against.
EVENT_DELTA: dict[str, int] = {
    EventKind.JOIN: 1,
    EventKind.TRANSFER_IN: 1,
    EventKind.RETAIN: 0,
    EventKind.TRANSFER_OUT: -1,
    EventKind.REMOVE: -1,
    EventKind.EXIT: -1,
}


class ChangeReason(models.TextChoices):
    """会籍变动原因 (union data standard)."""

    NEW = "new", "新入会"
    JOB_CHANGE = "job_change", "工作调动"
    LAID_OFF = "laid_off", "待（下）岗"
    UNEMPLOYED = "unemployed", "失业"
    EMPLOYER_CLOSED = "employer_closed", "单位撤销、破产"
    RETIRED = "retired", "退休"
    VOLUNTARY = "voluntary", "本人申请退会"
    LAPSED = "lapsed", "连续六个月不交会费、不参加组织生活"
    CRIMINAL = "criminal", "受刑事处分"
    CORRECTION = "correction", "数据更正"
    OTHER = "other", "其他"


class MembershipEvent(models.Model):
    """A change of membership, recorded against the union whose count it changes.

    A transfer writes two rows (转出 at the old union, 转入 at the new one), so the net growth of any
    subtree over any period is ``Sum(delta)`` over its events: a transfer inside the subtree nets zero.
    """

    scope_path = "union__path"
    objects = PersonalQuerySet.as_manager()

    member = models.ForeignKey(Member, verbose_name="会员", on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("变动类型", max_length=16, choices=EventKind.choices)
    date = models.DateField("变动日期")
    union = models.ForeignKey(  # served by the (union, date) index
        "orgs.UnionOrg",
        verbose_name="工会",
        on_delete=models.PROTECT,
        related_name="membership_events",
        db_index=False,
    )
    other_union = models.ForeignKey(  # set on transfers only: a partial index (Meta)
        "orgs.UnionOrg",
        verbose_name="对方工会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    delta = models.SmallIntegerField("人数变化")
    reason = models.CharField(
        "变动原因", max_length=32, choices=ChangeReason.choices, default=ChangeReason.NEW
    )
    note = models.CharField("备注", max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "会籍变动"
        ordering = ["date", "id"]
        indexes = [
            models.Index(fields=["union", "date"]),
            models.Index(fields=["date", "kind"]),
            models.Index(
                fields=["other_union"], name="event_other_union", condition=Q(other_union__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.member.name}"
