import django_tables2 as tables

from .models import Pairing

NOWRAP = {"td": {"class": "text-nowrap"}, "th": {"class": "text-nowrap"}}


class PairingTable(tables.Table):
    contact = tables.Column(linkify=lambda record: record.get_absolute_url())
    year = tables.Column(attrs=NOWRAP)
    contact_kind = tables.Column(attrs=NOWRAP, orderable=False)
    issuer = tables.Column(orderable=False, attrs=NOWRAP)
    target = tables.Column(orderable=False, attrs=NOWRAP)
    campaign = tables.Column(orderable=False)
    visits = tables.Column(
        verbose_name="本年度走访", accessor="visit_count", orderable=False, empty_values=()
    )

    class Meta:
        model = Pairing
        fields = ("year", "contact", "contact_kind", "issuer", "target", "campaign", "visits")
        empty_text = "没有符合条件的对口联系"

    def render_campaign(self, value):
        return value or "—"

    def render_visits(self, value):
        return f"{value} 次" if value else "未走访"
