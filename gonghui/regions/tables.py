import django_tables2 as tables

from .models import Region


class RegionTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    parent = tables.Column(verbose_name="上级区划", orderable=False)

    class Meta:
        model = Region
        fields = ("code", "name", "level", "parent")
