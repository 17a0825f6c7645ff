"""单位 (workplaces) and 工会组织 (union organisations): one tree under the administrative divisions."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.urls import reverse

from gonghui.core.models import ScopedModel, TreeModel
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


class Workplace(ScopedModel):
    """A workplace (单位). It belongs to the territorial union that governs where it is (属地工会);
    the unions that cover it (one's own, or a joint union covering several) are ``unions``."""

    scope_path = "governing_union__path"

    name = models.CharField("单位名称", max_length=200, db_index=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, null=True, blank=True, unique=True)
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

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["ownership", "employee_count"]),
            trigram_index("name", "workplace_name_trgm"),  # keyword search (PostgreSQL)
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:workplace-detail", args=[self.pk])

    @property
    def is_organised(self) -> bool:
        return self.unions.filter(status=UnionOrg.Status.ACTIVE).exists()


class UnionKind(models.TextChoices):
    PROVINCE = "province", "省总工会"
    CITY = "city", "市总工会"
    COUNTY = "county", "县（市、区）总工会"
    TOWNSHIP = "township", "乡镇（街道）总工会"
    ZONE = "zone", "开发区（工业园区）总工会"
    INDUSTRY_UNION = "industry_union", "产业工会"
    INDUSTRY_FEDERATION = "industry_federation", "行业工会联合会"
    REGIONAL_FEDERATION = "regional_federation", "区域工会联合会"
    NEW_FORM_FEDERATION = "new_form_federation", "新就业形态工会联合会"
    GRASSROOTS_FEDERATION = "grassroots_federation", "基层工会联合会"
    COMMUNITY = "community", "社区（村）工会"
    JOINT = "joint", "联合基层工会"
    COMMITTEE = "committee", "基层工会委员会"


# Leadership bodies above the grassroots; the rest are grassroots organisations (基层组织).
FEDERATION_KINDS = (
    UnionKind.PROVINCE,
    UnionKind.CITY,
    UnionKind.COUNTY,
    UnionKind.TOWNSHIP,
    UnionKind.ZONE,
    UnionKind.INDUSTRY_UNION,
)
GRASSROOTS_KINDS = tuple(k for k in UnionKind if k not in FEDERATION_KINDS)


class UnionOrg(TreeModel):
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
        help_text="联合基层工会、工会联合会可覆盖多个单位；建会率按覆盖单位计算",
    )
    uscc = models.CharField("工会统一社会信用代码", max_length=18, null=True, blank=True, unique=True)
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


def compute_election_due(term_start: dt.date | None, term_years: int | None) -> dt.date | None:
    if not term_start or not term_years:
        return None
    try:
        return term_start.replace(year=term_start.year + term_years)
    except ValueError:  # 29 February
        return term_start.replace(year=term_start.year + term_years, day=28)
