import django_tables2 as tables

from gonghui.core.tables import DateColumn

from .models import UnionOrg, Workplace


class WorkplaceTable(tables.Table):
    name = tables.Column(linkify=True)
    governing_union = tables.Column(verbose_name="属地工会", orderable=False)
    region = tables.Column(orderable=False)

    class Meta:
        model = Workplace
        fields = ("name", "uscc", "ownership", "industry", "employee_count", "region", "governing_union")
        order_by = ("name",)


class UnionOrgTable(tables.Table):
    name = tables.Column(linkify=True)
    parent = tables.Column(verbose_name="上级工会", orderable=False)
    region = tables.Column(orderable=False)
    election_due = DateColumn(format="Y-m-d")
    founded_on = DateColumn(format="Y-m-d")

    class Meta:
        model = UnionOrg
        fields = ("name", "kind", "parent", "region", "founded_on", "election_due", "status")
