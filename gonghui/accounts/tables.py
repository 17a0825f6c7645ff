"""Tables of the user list and the audit log, on core's generic list view."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from gonghui.core.models import AuditEvent
from gonghui.core.tables import DateTimeColumn

from .models import User
from .templatetags.accounts_tags import model_verbose_name

SENSITIVE_ACTIONS = (AuditEvent.Action.REVEAL, AuditEvent.Action.EXPORT_SENSITIVE)


class UserTable(tables.Table):
    username = tables.Column(verbose_name="用户名")
    full_name = tables.Column(verbose_name="姓名", default="—")
    union = tables.Column(verbose_name="所属工会", default="—", order_by=("union__path",))
    role = tables.Column(verbose_name="角色")
    view_sensitive = tables.Column(verbose_name="查看敏感信息", empty_values=(), orderable=False)
    is_active = tables.Column(verbose_name="状态")
    last_login = DateTimeColumn(verbose_name="最近登录", format="Y-m-d H:i", default="从未登录")
    edit = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta:
        model = User
        fields = ("username", "full_name", "union", "role", "view_sensitive", "is_active", "last_login")
        empty_text = "没有符合条件的用户"

    def render_view_sensitive(self, record):
        # user_permissions is prefetched by the view: no query per row.
        granted = any(p.codename == "view_sensitive" for p in record.user_permissions.all())
        return mark_safe('<span class="badge text-bg-warning">已授予</span>') if granted else ""

    def render_is_active(self, value):
        if value:
            return mark_safe('<span class="badge text-bg-success">启用</span>')
        return mark_safe('<span class="badge text-bg-secondary">停用</span>')

    def render_edit(self, record):
        edit = format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}"><i class="bi bi-pencil"></i> 编辑</a>',
            reverse("accounts:user-edit", args=[record.pk]),
        )
        if not record.is_active:
            return edit
        return format_html(
            '{} <a class="btn btn-sm btn-outline-danger" href="{}"><i class="bi bi-person-x"></i> 停用</a>',
            edit,
            reverse("accounts:user-delete", args=[record.pk]),
        )


class AuditEventTable(tables.Table):
    at = DateTimeColumn(verbose_name="时间", format="Y-m-d H:i:s", orderable=False)
    username = tables.Column(verbose_name="用户", default="—", orderable=False)
    action = tables.Column(verbose_name="操作", orderable=False)
    object_repr = tables.Column(verbose_name="对象", default="—", orderable=False)
    object_type = tables.Column(verbose_name="对象类型", orderable=False)
    ip = tables.Column(verbose_name="IP 地址", default="", orderable=False)
    detail = tables.Column(verbose_name="说明", orderable=False)

    class Meta:
        model = AuditEvent
        fields = ("at", "username", "action", "object_repr", "object_type", "ip", "detail")
        empty_text = "没有符合条件的记录"

    def render_action(self, record):
        css = (
            "text-bg-warning"
            if record.action in SENSITIVE_ACTIONS
            else "text-bg-danger"
            if record.action == AuditEvent.Action.LOGIN_FAILED
            else "text-bg-light border"
        )
        return format_html('<span class="badge {}">{}</span>', css, record.get_action_display())

    def render_object_type(self, record):
        number = f" #{record.object_id}" if record.object_id else ""
        return format_html(
            '<span class="small text-secondary" title="{}">{}{}</span>',
            record.object_type,
            model_verbose_name(record.object_type),
            number,
        )
