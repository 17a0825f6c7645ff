"""The national roll-up's tables. The same tables exist in every instance (one code base, one set of
migrations): a province writes its own rows and publishes them (PostgreSQL logical replication, see
deploy/national/); the national instance subscribes to every province and so holds every province's rows.

No personal data: figures per node and day, and HMAC digests of the ID numbers of held memberships under
the national key (``keys.digest``) — no name, no ID, no union.

Every primary key starts with the province code, so rows from two provinces never collide in the national
table (a surrogate id would: both provinces count from 1) and the subscription's apply never stops on a
conflict — even when the same person holds a membership in two provinces (the very case the check finds).
"""

from __future__ import annotations

from django.db import models


class Province(models.Model):
    """The publishing province: its code and name, as the refusal message and the dashboard show it."""

    code = models.CharField("省级代码", max_length=2, primary_key=True)
    name = models.CharField("名称", max_length=50)
    published_at = models.DateTimeField("最近发布时间", null=True, blank=True)
    hashes_synced_at = models.DateTimeField("会籍摘要最近全量校准时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "省级实例"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class NodeSnapshot(models.Model):
    """One federation node's figures (province, cities, counties) as of a day, as the province's
    targets machinery computed them (``national.services.snapshot_rows``)."""

    pk = models.CompositePrimaryKey("province_code", "node_path", "as_of")
    province_code = models.CharField("省级代码", max_length=2)
    node_path = models.CharField("节点路径", max_length=255)
    as_of = models.DateField("统计截止日期")
    node_name = models.CharField("组织名称", max_length=200)
    depth = models.PositiveSmallIntegerField("层级")
    members = models.IntegerField("会员数")
    migrant_members = models.IntegerField("其中农民工会员")
    new_form_members = models.IntegerField("其中新就业形态会员")
    year_joined = models.IntegerField("本年新入会")
    year_net = models.IntegerField("本年净增")
    grassroots_unions = models.IntegerField("基层工会数")
    workplaces = models.IntegerField("法人单位数")
    workplaces_covered = models.IntegerField("已覆盖法人单位数")
    indicators = models.JSONField("指标分子分母", default=dict)
    targets = models.JSONField("目标进度", default=list)
    published_at = models.DateTimeField("发布时间")

    class Meta:
        verbose_name = verbose_name_plural = "全国汇总快照"
        indexes = [models.Index(fields=["as_of", "depth"], name="national_snapshot_day_depth")]

    def __str__(self) -> str:
        return f"{self.province_code} {self.node_name} {self.as_of}"


class MembershipHash(models.Model):
    """A held membership (在会 or 保留会籍) in the province: the keyed digest of the ID number only."""

    pk = models.CompositePrimaryKey("province_code", "digest")
    province_code = models.CharField("省级代码", max_length=2)
    digest = models.CharField("身份证号摘要", max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "会籍摘要"
        # The national question is "which province holds this digest?": by digest, not by province.
        indexes = [models.Index(fields=["digest"], name="national_hash_digest")]

    def __str__(self) -> str:
        return f"{self.province_code} {self.digest[:12]}…"
