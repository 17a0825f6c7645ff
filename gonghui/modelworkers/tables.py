import django_tables2 as tables
from django.utils.html import format_html_join

from gonghui.core.tables import DateColumn

from .models import ModelWorker, Service, Studio


class ModelWorkerTable(tables.Table):
    """Masked ID and phone only; the full values are revealed one record at a time (audited)."""

    name = tables.Column(linkify=True, attrs={"td": {"class": "text-nowrap"}})
    id_masked = tables.Column(verbose_name="身份证号", orderable=False, attrs={"td": {"class": "masked"}})
    union = tables.Column(verbose_name="管理工会", orderable=False)
    workplace = tables.Column(verbose_name="工作单位", orderable=False)
    titles = tables.Column(verbose_name="称号", orderable=False, empty_values=())

    class Meta:
        model = ModelWorker
        fields = ("name", "id_masked", "sex", "union", "workplace", "titles")
        order_by = ("name",)

    def render_titles(self, record) -> str:
        return (
            format_html_join(
                "",
                '<span class="badge text-bg-light border me-1 text-nowrap">{} 年{}</span>',
                ((t.year, t.label) for t in record.titles.all()),
            )
            or "—"
        )


class StudioTable(tables.Table):
    name = tables.Column(linkify=True)
    level = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    founded_year = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    union = tables.Column(verbose_name="管理工会", orderable=False)
    leader = tables.Column(
        verbose_name="领衔人",
        orderable=False,
        accessor="leader__name",
        attrs={"td": {"class": "text-nowrap"}},
    )
    member_count = tables.Column(verbose_name="成员数", orderable=False, attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Studio
        fields = ("name", "level", "founded_year", "union", "workplace", "leader", "member_count")
        order_by = ("-founded_year",)


class ServiceTable(tables.Table):
    date = DateColumn(format="Y-m-d", attrs={"td": {"class": "text-nowrap"}})
    kind = tables.Column(orderable=False, attrs={"td": {"class": "text-nowrap"}})
    person = tables.Column(
        verbose_name="人员",
        orderable=False,
        accessor="person__name",
        linkify=lambda record: record.person.get_absolute_url(),
    )
    union = tables.Column(verbose_name="管理工会", orderable=False, accessor="person__union__name")
    amount = tables.Column(orderable=False, attrs={"td": {"class": "text-end"}})
    note = tables.Column(orderable=False)

    class Meta:
        model = Service
        fields = ("date", "kind", "person", "union", "amount", "note")
        order_by = ("-date",)
