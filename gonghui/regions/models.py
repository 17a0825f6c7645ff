"""行政区划: GB/T 2260 divisions, loaded from the table python-stdnum ships (see load_regions)."""

from __future__ import annotations

from django.db import models

from gonghui.core.scope import EVERYTHING, home_node, scope_prefix


class RegionQuerySet(models.QuerySet):
    def visible_to(self, user) -> RegionQuerySet:
        """Divisions inside the region of the union the user governs (codes nest by prefix)."""
        if scope_prefix(user) == EVERYTHING:
            return self.all()
        root = home_node(user)
        if root is None or root.region_id is None:
            return self.none()
        return self.filter(code__startswith=root.region.code_prefix)


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, "省级"
        CITY = 2, "地级"
        COUNTY = 3, "县级"
        TOWN = 4, "乡级"

    code = models.CharField(
        "区划代码", max_length=12, unique=True, error_messages={"unique": "该区划代码已存在"}
    )
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("级别", choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def code_prefix(self) -> str:
        """The part of the code shared by everything under this division: 34 / 3402 / 340207."""
        return {self.Level.PROVINCE: self.code[:2], self.Level.CITY: self.code[:4]}.get(self.level, self.code)

    @property
    def province_code(self) -> str:
        return self.code[:2]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("regions:region-detail", args=[self.pk])

    def full_name(self) -> str:
        names = []
        node: Region | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))
