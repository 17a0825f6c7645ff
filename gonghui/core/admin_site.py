"""The Django admin, hardened (issue 11): off unless ``GONGHUI_ADMIN_ENABLED`` (the URL is then not routed
at all), and when on, open to the system administrator alone (``user.can_administer_system``) and
read-only. Every model an app registers is wrapped so that add, change and delete are refused: changes go
through the application's own pages, which are scoped and write the audit log in the same transaction,
so the admin cannot bypass either. Apps register no personal-data model here (no members, users, tokens).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url


class ReadOnlyAdminMixin:
    """View only, for the system administrator the site lets in; inlines are not shown."""

    admin_site: admin.AdminSite  # set by ModelAdmin.__init__

    def has_module_permission(self, request) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_inline_instances(self, request, obj=None):
        return []

    def get_actions(self, request):
        return {}


class GonghuiAdminSite(admin.AdminSite):
    site_header = site_title = "基层工会组织建设管理系统 · 系统管理（只读）"
    index_title = "参考数据"

    def has_permission(self, request) -> bool:
        user = request.user
        return (
            getattr(settings, "GONGHUI_ADMIN_ENABLED", False)
            and user.is_active
            and bool(getattr(user, "can_administer_system", False))
        )

    def login(self, request, extra_context=None):
        # One login page for the whole system (its lockout and audit apply): the application's own.
        return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))

    def register(self, model_or_iterable, admin_class=None, **options):
        base = admin_class or admin.ModelAdmin
        read_only = type(f"ReadOnly{base.__name__}", (ReadOnlyAdminMixin, base), {})
        super().register(model_or_iterable, read_only, **options)
