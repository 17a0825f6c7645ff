import django_tables2 as tables

from gonghui.core.tables import DateColumn

from .models import Venue

NOWRAP = {"td": {"class": "text-nowrap"}, "th": {"class": "text-nowrap"}}


class VenueTable(tables.Table):
    name = tables.Column(linkify=lambda record: record.get_absolute_url())
    kind = tables.Column(orderable=False, attrs=NOWRAP)
    region = tables.Column(orderable=False, attrs=NOWRAP)
    operator = tables.Column(orderable=False)
    status = tables.Column(attrs=NOWRAP)
    stars = tables.Column(attrs=NOWRAP)
    compliant = tables.Column(verbose_name="六有达标", attrs=NOWRAP, empty_values=())
    opened_on = DateColumn(format="Y-m-d", attrs=NOWRAP)

    class Meta:
        model = Venue
        fields = ("name", "kind", "region", "operator", "status", "stars", "compliant", "opened_on")
        empty_text = "没有符合条件的服务阵地"

    def render_stars(self, value):
        return "★" * value if value else "—"

    def render_compliant(self, value, record):
        if value is None:
            return "未检查"
        return "达标" if value else "未达标"
