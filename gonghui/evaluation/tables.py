import django_tables2 as tables

from gonghui.core.tables import DateColumn

from .models import Evaluation, ScoreSheet

NOWRAP = {"td": {"class": "text-nowrap"}, "th": {"class": "text-nowrap"}}


class ScoreSheetTable(tables.Table):
    title = tables.Column(linkify=lambda record: record.get_absolute_url())
    year = tables.Column(attrs=NOWRAP)
    issuer = tables.Column(orderable=False)
    items = tables.Column(verbose_name="项目数", accessor="item_count", orderable=False)

    class Meta:
        model = ScoreSheet
        fields = ("year", "title", "issuer", "items")
        empty_text = "尚无考核评分表"


class EvaluationTable(tables.Table):
    name = tables.Column(
        verbose_name="考核评价",
        accessor="pk",
        orderable=False,
        linkify=lambda record: record.get_absolute_url(),
    )
    year = tables.Column(attrs=NOWRAP)
    issuer = tables.Column(orderable=False)
    as_of = DateColumn(format="Y-m-d", attrs=NOWRAP)
    status = tables.Column(attrs=NOWRAP)

    class Meta:
        model = Evaluation
        fields = ("year", "name", "issuer", "as_of", "status")
        empty_text = "尚无考核评价"

    def render_name(self, record):
        return str(record)
