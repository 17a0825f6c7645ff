import django_tables2 as tables

from gonghui.core.tables import DateColumn

from .models import TrainingSession


class TrainingSessionTable(tables.Table):
    title = tables.Column(linkify=True)
    kind = tables.Column(verbose_name="培训类别", orderable=False, attrs={"td": {"class": "text-nowrap"}})
    organiser = tables.Column(verbose_name="主办工会", orderable=False)
    start_date = DateColumn(format="Y-m-d", attrs={"td": {"class": "text-nowrap"}})
    end_date = DateColumn(format="Y-m-d", attrs={"td": {"class": "text-nowrap"}})
    place = tables.TemplateColumn(
        "{% if record.online %}线上{% else %}{{ record.place }}{% endif %}",
        verbose_name="培训地点",
        orderable=False,
    )
    mode = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    person_times = tables.Column(attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    status = tables.Column(attrs={"td": {"class": "text-nowrap"}})

    class Meta:
        model = TrainingSession
        fields = (
            "title",
            "kind",
            "organiser",
            "start_date",
            "end_date",
            "place",
            "mode",
            "person_times",
            "status",
        )
        order_by = ("-end_date",)
