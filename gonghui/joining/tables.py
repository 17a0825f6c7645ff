"""Tables of the joining pages built on core's generic list view."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from .models import RoutingRule


class RoutingRuleTable(tables.Table):
    region = tables.Column(verbose_name="区县", order_by=("region__code",))
    new_form_group = tables.Column(verbose_name="新就业形态群体", default="兜底接收", orderable=False)
    union = tables.Column(verbose_name="接收工会", order_by=("union__name",))
    is_active = tables.BooleanColumn(verbose_name="启用", yesno="是,否")
    edit = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta:
        model = RoutingRule
        fields = ("region", "new_form_group", "union", "is_active", "note")
        order_by = ("region",)

    def render_edit(self, record):
        return format_html(
            '<a href="{}">编辑</a> <a class="text-danger ms-2" href="{}">删除</a>',
            reverse("joining:rule-edit", args=[record.pk]),
            reverse("joining:rule-delete", args=[record.pk]),
        )
