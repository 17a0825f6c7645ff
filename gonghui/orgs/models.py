"""单位 (workplaces) and 工会组织 (union organisations): one tree under the administrative divisions."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import ScopedModel, TimestampedModel, TreeModel
from gonghui.core.normalize import normalize_org_name
from gonghui.core.search import trigram_index


class Ownership(models.TextChoices):
    STATE = "state", "国有及国有控股企业"
    COLLECTIVE = "collective", "集体企业"
    PRIVATE = "private", "私营及其他非公有制企业"
    FOREIGN = "foreign", "外商及港澳台投资企业"
    INSTITUTION = "institution", "事业单位"
    GOVERNMENT = "government", "机关"
    SOCIAL = "social", "社会组织"
    OTHER = "other", "其他"


NON_PUBLIC = (Ownership.PRIVATE, Ownership.FOREIGN)
PUBLIC_SECTOR = (Ownership.STATE, Ownership.INSTITUTION)


class Industry(models.TextChoices):
    """GB/T 4754-2017 门类."""

    A = "A", "农、林、牧、渔业"
    B = "B", "采矿业"
    C = "C", "制造业"
    D = "D", "电力、热力、燃气及水生产和供应业"
    E = "E", "建筑业"
    F = "F", "批发和零售业"
    G = "G", "交通运输、仓储和邮政业"
    H = "H", "住宿和餐饮业"
    I = "I", "信息传输、软件和信息技术服务业"  # noqa: E741
    J = "J", "金融业"
    K = "K", "房地产业"
    L = "L", "租赁和商务服务业"
    M = "M", "科学研究和技术服务业"
    N = "N", "水利、环境和公共设施管理业"
    O = "O", "居民服务、修理和其他服务业"  # noqa: E741
    P = "P", "教育"
    Q = "Q", "卫生和社会工作"
    R = "R", "文化、体育和娱乐业"
    S = "S", "公共管理、社会保障和社会组织"
    T = "T", "国际组织"


class Workplace(ScopedModel, TimestampedModel):
    """A workplace (单位). It belongs to the territorial union that governs where it is (属地工会);
    the unions that cover it (one's own, or a joint union covering several) are ``unions``."""

    scope_path = "governing_union__path"

    name = models.CharField("单位名称", max_length=200, db_index=True)
    # The matching key of the name (core.normalize.normalize_org_name with the region's code): directory
    # entries are matched to workplaces by it, set-based. Kept by save() and by every bulk writer.
    # db_default: a row written by raw SQL (the benchmarks' generators) gets "" and matches nothing.
    name_normalized = models.CharField(
        "规范化名称", max_length=200, blank=True, editable=False, db_default=""
    )
    uscc = models.CharField(
        "统一社会信用代码",
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        error_messages={
            "unique": "该统一社会信用代码已登记为另一家单位，请核对，或在单位列表中找到并编辑该单位"
        },
    )
    ownership = models.CharField(
        "单位性质", max_length=16, choices=Ownership.choices, default=Ownership.PRIVATE
    )
    industry = models.CharField("所属行业", max_length=1, choices=Industry.choices, blank=True)
    employee_count = models.PositiveIntegerField("职工人数", default=0)
    region = models.ForeignKey("regions.Region", verbose_name="所在地区", on_delete=models.PROTECT)
    governing_union = models.ForeignKey(
        "UnionOrg",
        verbose_name="属地工会",
        on_delete=models.PROTECT,
        related_name="governed_workplaces",
        help_text="负责该单位建会入会工作的上级工会（县级、乡镇街道或开发区工会）",
    )
    address = models.CharField("地址", max_length=255, blank=True)
    is_legal_entity = models.BooleanField("法人单位", default=True)
    is_above_scale = models.BooleanField("规模以上企业", default=False)
    has_workers_congress = models.BooleanField("已建立职代会制度", default=False)
    workers_congress_since = models.DateField("职代会建立日期", null=True, blank=True)
    has_open_affairs = models.BooleanField("已实行厂务公开", default=False)
    open_affairs_since = models.DateField("厂务公开建立日期", null=True, blank=True)
    has_employee_director = models.BooleanField("已设职工董事", default=False)
    employee_director_since = models.DateField("职工董事设立日期", null=True, blank=True)
    has_employee_supervisor = models.BooleanField("已设职工监事", default=False)
    employee_supervisor_since = models.DateField("职工监事设立日期", null=True, blank=True)
    # When the workplace came into the registry and left it: a figure as of a date counts the
    # workplaces present on that date (registered on or before it, not closed by it).
    registered_on = models.DateField(
        "登记日期", default=timezone.localdate, help_text="单位列入本系统台账的日期"
    )
    closed_on = models.DateField(
        "注销日期",
        null=True,
        blank=True,
        help_text="单位注销、撤销或迁出本系统台账的日期；此后不再计入各项指标",
    )

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["ownership", "employee_count"]),
            # 数据质量: workplaces registered with no employees (few): a small partial index.
            models.Index(
                fields=["governing_union"], name="workplace_no_employees", condition=Q(employee_count=0)
            ),
            trigram_index("name", "workplace_name_trgm"),  # keyword search (PostgreSQL)
            # Exact lookups only: a plain B-tree, no pattern-ops twin on PostgreSQL.
            models.Index(fields=["name_normalized"], name="workplace_name_normalized"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:workplace-detail", args=[self.pk])

    def normalize_name(self) -> None:
        """Set ``name_normalized`` from the name and the region (bulk writers call it before writing)."""
        self.name_normalized = normalize_org_name(self.name, self.region.code if self.region_id else "")

    def save(self, *args, **kwargs) -> None:
        self.normalize_name()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "region"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_normalized"}
        super().save(*args, **kwargs)

    @property
    def is_organised(self) -> bool:
        return self.unions.filter(status=UnionOrg.Status.ACTIVE).exists()


# The attributes of a workplace the indicators read; ``WorkplaceState`` keeps their dated history.
STATE_FIELDS = (
    "governing_union_id",
    "ownership",
    "is_legal_entity",
    "employee_count",
    "has_workers_congress",
    "workers_congress_since",
    "has_open_affairs",
    "open_affairs_since",
    "has_employee_director",
    "employee_director_since",
    "has_employee_supervisor",
    "employee_supervisor_since",
)


class WorkplaceState(models.Model):
    """The indicator-relevant attributes of a workplace as recorded from ``valid_from`` up to (not
    including) ``valid_to`` (null: still valid). Written by ``orgs.services.record_workplace_states``
    whenever a workplace is created or one of these attributes changes, so an indicator as of a past
    date reads the values valid on that date, not today's."""

    workplace = models.ForeignKey(
        Workplace, verbose_name="单位", on_delete=models.CASCADE, related_name="states", db_index=False
    )
    valid_from = models.DateField("起始日期")
    valid_to = models.DateField("截止日期（不含）", null=True, blank=True)
    governing_union = models.ForeignKey(
        "UnionOrg", verbose_name="属地工会", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    ownership = models.CharField("单位性质", max_length=16, choices=Ownership.choices)
    is_legal_entity = models.BooleanField("法人单位")
    employee_count = models.PositiveIntegerField("职工人数")
    has_workers_congress = models.BooleanField("已建立职代会制度")
    workers_congress_since = models.DateField("职代会建立日期", null=True, blank=True)
    has_open_affairs = models.BooleanField("已实行厂务公开")
    open_affairs_since = models.DateField("厂务公开建立日期", null=True, blank=True)
    has_employee_director = models.BooleanField("已设职工董事")
    employee_director_since = models.DateField("职工董事设立日期", null=True, blank=True)
    has_employee_supervisor = models.BooleanField("已设职工监事")
    employee_supervisor_since = models.DateField("职工监事设立日期", null=True, blank=True)
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位登记信息变更记录"
        ordering = ["workplace", "valid_from"]
        indexes = [models.Index(fields=["governing_union", "valid_from"])]
        constraints = [
            models.UniqueConstraint(
                fields=["workplace", "valid_from"],
                name="workplace_state_one_per_day",
                violation_error_message="同一单位同一天只能有一条状态记录",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="workplace_state_valid_range",
                violation_error_message="截止日期应晚于起始日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workplace_id} {self.valid_from}–{self.valid_to or ''}"


class UnionKind(models.TextChoices):
    PROVINCE = "province", "省总工会"
    CITY = "city", "市总工会"
    COUNTY = "county", "县（市、区）总工会"
    TOWNSHIP = "township", "乡镇（街道）总工会"
    ZONE = "zone", "开发区（工业园区）总工会"
    INDUSTRY_UNION = "industry_union", "产业工会"
    INDUSTRY_FEDERATION = "industry_federation", "行业工会联合会（县级以上）"
    REGIONAL_FEDERATION = "regional_federation", "区域工会联合会（基层）"
    NEW_FORM_FEDERATION = "new_form_federation", "新就业形态劳动者工会联合会（县级以上）"
    GRASSROOTS_FEDERATION = "grassroots_federation", "基层工会联合会（区域性、行业性）"
    COMMUNITY = "community", "社区（村）工会"
    JOINT = "joint", "联合基层工会"
    COMMITTEE = "committee", "基层工会委员会"


# What the ACFTU statistics count as 基层工会 (grassroots organisations): a workplace's own committee, a
# joint union of several workplaces, a community (village) union and the grassroots-level regional or
# industry federations (乡镇街道、园区、村社区 level). The one definition every count uses — home page,
# indicators, targets, dashboards, bulletins. The county-level and higher 行业工会联合会 and 新就业形态劳动者
# 工会联合会 are leadership bodies like 产业工会: they hold members (holding pools, 兜底建) and have
# grassroots unions under them, but are not themselves counted as grassroots unions.
GRASSROOTS_KINDS = (
    UnionKind.COMMITTEE,
    UnionKind.JOINT,
    UnionKind.COMMUNITY,
    UnionKind.GRASSROOTS_FEDERATION,
    UnionKind.REGIONAL_FEDERATION,
)
# Leadership bodies above the grassroots (the nodes targets are issued to and indicators stored for).
FEDERATION_KINDS = tuple(k for k in UnionKind if k not in GRASSROOTS_KINDS)


class UnionOrg(TreeModel, TimestampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "正常"
        REVOKED = "revoked", "撤销"
        MERGED = "merged", "合并"

    name = models.CharField("工会名称", max_length=200, db_index=True)
    kind = models.CharField("组织类型", max_length=32, choices=UnionKind.choices)
    region = models.ForeignKey("regions.Region", verbose_name="所在地区", on_delete=models.PROTECT)
    workplaces = models.ManyToManyField(
        Workplace,
        verbose_name="覆盖单位",
        blank=True,
        related_name="unions",
        through="UnionCoverage",
        help_text="联合基层工会、工会联合会可覆盖多个单位；建会率按覆盖单位计算",
    )
    uscc = models.CharField(
        "工会统一社会信用代码",
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        error_messages={"unique": "该工会统一社会信用代码已登记为另一个工会，请核对"},
    )
    founded_on = models.DateField("成立日期", null=True, blank=True)
    chair_name = models.CharField("工会主席", max_length=50, blank=True)
    term_start = models.DateField("本届任期开始", null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(
        "任期（年）", null=True, blank=True, choices=[(3, "3 年"), (5, "5 年")]
    )
    election_due = models.DateField("应换届日期", null=True, blank=True, editable=False)
    has_audit_committee = models.BooleanField("已建经费审查委员会", default=False)
    has_women_committee = models.BooleanField("已建女职工委员会", default=False)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    status_changed_on = models.DateField("撤销/合并日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工会组织"
        ordering = ["path"]
        indexes = [
            models.Index(fields=["kind", "status"]),
            models.Index(fields=["founded_on"]),
            models.Index(fields=["election_due"]),
            trigram_index("name", "unionorg_name_trgm"),  # keyword search (PostgreSQL)
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_years__isnull=True) | Q(term_years__in=[3, 5]),
                name="union_term_3_or_5_years",
                violation_error_message="任期应为 3 年或 5 年",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:union-detail", args=[self.pk])

    @property
    def is_grassroots(self) -> bool:
        return self.kind in GRASSROOTS_KINDS

    def save(self, *args, **kwargs) -> None:
        self.election_due = compute_election_due(self.term_start, self.term_years)
        super().save(*args, **kwargs)


class UnionCoverage(models.Model):
    """A union covers a workplace (the ``UnionOrg.workplaces`` link); ``since`` is the day the link was
    made. A link made the day the union was entered counts from the union's founding; one added later
    counts from its own day (figures as of an earlier day do not see it)."""

    unionorg = models.ForeignKey(UnionOrg, verbose_name="工会", on_delete=models.CASCADE)
    workplace = models.ForeignKey(Workplace, verbose_name="单位", on_delete=models.CASCADE)
    since = models.DateField("覆盖起始日期", default=timezone.localdate)

    class Meta:
        db_table = "orgs_unionorg_workplaces"  # the table of the former plain many-to-many link
        verbose_name = verbose_name_plural = "工会覆盖单位"
        unique_together = [("unionorg", "workplace")]  # as the plain link had it (same constraint)

    def __str__(self) -> str:
        return f"{self.unionorg_id} → {self.workplace_id}（{self.since}）"


def compute_election_due(term_start: dt.date | None, term_years: int | None) -> dt.date | None:
    if not term_start or not term_years:
        return None
    try:
        return term_start.replace(year=term_start.year + term_years)
    except ValueError:  # 29 February
        return term_start.replace(year=term_start.year + term_years, day=28)
