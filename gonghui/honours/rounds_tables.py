import django_tables2 as tables

from gonghui.core.tables import DateColumn

from .models import Round

NOWRAP = {"td": {"class": "text-nowrap"}, "th": {"class": "text-nowrap"}}


class RoundTable(tables.Table):
    title = tables.Column(linkify=lambda record: record.get_absolute_url())
    year = tables.Column(attrs=NOWRAP)
    kind = tables.Column(orderable=False)
    issuer = tables.Column(orderable=False, attrs=NOWRAP)
    deadline = DateColumn(format="Y-m-d", attrs=NOWRAP)
    quota = tables.Column(attrs=NOWRAP)
    status = tables.Column(attrs=NOWRAP)

    class Meta:
        model = Round
        fields = ("year", "title", "kind", "issuer", "deadline", "quota", "status")
        empty_text = "尚无评选"
