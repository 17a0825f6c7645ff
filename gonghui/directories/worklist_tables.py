import django_tables2 as tables

from gonghui.core.tables import DateColumn

from .models import ListItem

NOWRAP = {"td": {"class": "text-nowrap"}, "th": {"class": "text-nowrap"}}


class ListItemTable(tables.Table):
    name = tables.Column(
        verbose_name="单位名称", accessor="entry__name", linkify=lambda record: record.get_absolute_url()
    )
    uscc = tables.Column(verbose_name="统一社会信用代码", accessor="entry__uscc")
    legal_representative = tables.Column(
        verbose_name="法定代表人", accessor="entry__legal_representative", attrs=NOWRAP
    )
    employees = tables.Column(verbose_name="从业人数", accessor="entry__employees", attrs=NOWRAP)
    industry = tables.Column(verbose_name="行业", accessor="entry__industry", orderable=False)
    source = tables.Column(verbose_name="来源", accessor="entry__source", orderable=False, attrs=NOWRAP)
    territory = tables.Column(verbose_name="属地工会", orderable=False)
    claimed_by = tables.Column(verbose_name="领单工会", orderable=False)
    due_on = DateColumn(format="Y-m-d", attrs=NOWRAP)
    status = tables.Column(attrs=NOWRAP)

    class Meta:
        model = ListItem
        fields = (
            "name",
            "uscc",
            "legal_representative",
            "employees",
            "industry",
            "source",
            "territory",
            "status",
            "claimed_by",
            "due_on",
        )
        empty_text = "没有符合条件的清单项"

    def render_industry(self, record):
        return record.entry.get_industry_display() or "—"
