import django_tables2 as tables

from gonghui.core.tables import DateColumn

from .models import Meeting

NOWRAP = {"td": {"class": "text-nowrap"}, "th": {"class": "text-nowrap"}}


class MeetingTable(tables.Table):
    held_on = DateColumn(format="Y-m-d", attrs=NOWRAP)
    union = tables.Column(orderable=False, attrs=NOWRAP)
    kind = tables.Column(attrs=NOWRAP)
    title = tables.Column(linkify=lambda record: record.get_absolute_url())
    issues_raised = tables.Column(verbose_name="提出问题", attrs=NOWRAP)
    issues_solved = tables.Column(verbose_name="解决问题", attrs=NOWRAP)
    minutes = tables.Column(verbose_name="纪要", accessor="minutes_name", orderable=False)

    class Meta:
        model = Meeting
        fields = ("held_on", "union", "kind", "title", "issues_raised", "issues_solved", "minutes")
        empty_text = "没有符合条件的会议记录"

    def render_minutes(self, value):
        return "有" if value else "—"
