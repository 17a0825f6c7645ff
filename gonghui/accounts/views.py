from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.net import client_ip
from gonghui.core.views import ObjectDeleteView, ObjectEditView, ObjectListView, RoleRequiredMixin

from .filters import AuditEventFilterSet, UserFilterSet
from .forms import UserForm
from .models import User
from .roles import may_manage
from .tables import AuditEventTable, UserTable


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class AdminRequiredMixin(RoleRequiredMixin):
    required_role = "can_manage_users"
    permission_denied_message = "只有管理员和安全管理员可以管理用户"


class UserListView(AdminRequiredMixin, ObjectListView):
    model = User
    filterset_class = UserFilterSet
    table_class = UserTable
    title = "用户管理"
    add_url_name = "accounts:user-add"
    exportable = False

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("union")
            .prefetch_related("user_permissions")
            .order_by("union__path", "username")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subtitle"] = f"{self.request.user.union or '全部组织'} 及其下级的用户"
        context["add_url_name"] = (
            self.add_url_name
        )  # the security administrator adds users, not only can_edit
        return context


class UserEditView(AdminRequiredMixin, ObjectEditView):
    """Create (no pk) or edit a user of my subtree; never above my role or outside my node (the form
    offers only ``grantable_roles`` and unions of my subtree; ``may_manage`` guards the target)."""

    model = User
    form_class = UserForm
    template_name = "accounts/user_form.html"
    # Not "user": that name is the logged-in user in every template (header, permissions).
    context_object_name = "target_user"

    def get_object(self, queryset=None):
        target = super().get_object(queryset)
        if target is not None and not may_manage(self.request.user, target):
            raise PermissionDenied(
                "该用户的角色高于您的角色，或是系统/安全/审计管理员（只有安全管理员可以管理），不能修改"
            )
        return target

    def get_form_kwargs(self):
        # The form saves through accounts.services.save_user, which writes the audit row.
        return {**super().get_form_kwargs(), "ip": client_ip(self.request)}

    def saved_message(self) -> str:
        return f"已保存用户「{self.object.username}」"

    def get_success_url(self) -> str:
        return reverse("accounts:user-list")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"编辑用户：{self.object.username}" if self.object else "新增用户"
        return context


class UserDeleteView(AdminRequiredMixin, ObjectDeleteView):
    """A user is never deleted (the audit log names them): the account is disabled (停用). Only a user
    one may manage, and never oneself."""

    model = User
    soft_label = "停用"
    success_url_name = "accounts:user-list"
    context_object_name = "target_user"

    def get_object(self, queryset=None):
        target = super().get_object(queryset)
        if not may_manage(self.request.user, target):
            raise PermissionDenied(
                "该用户的角色高于您的角色，或是系统/安全/审计管理员（只有安全管理员可以管理），不能停用"
            )
        return target

    def already_deleted(self, target) -> str:
        if target.pk == self.request.user.pk:
            return "不能停用自己的账号"
        return "" if target.is_active else f"用户「{target.username}」已停用"

    def soft_delete(self, target) -> None:
        target.is_active = False
        target.save(update_fields=["is_active"])


class AuditLogView(ObjectListView):
    """审计日志: the audit administrator alone (三员分立), events of users in its subtree, newest first."""

    model = AuditEvent
    filterset_class = AuditEventFilterSet
    table_class = AuditEventTable
    title = "审计日志"
    required_role = "can_audit"
    permission_denied_message = "只有审计管理员可以查看审计日志（三员分立）"

    def export(self, request):
        """The audit administrator exports the log (its filters and scope); the export is itself audited."""
        params = self.export_querystring()
        audit.record(
            request,
            AuditEvent.Action.OTHER,
            detail=f"导出审计日志（{request.GET['export']}）；筛选条件：{params or '无'}",
        )
        return super().export(request)

    def get_base_queryset(self):
        return super().get_base_queryset().order_by("-at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subtitle"] = f"{self.request.user.union or '全部组织'} 及其下级用户的操作记录"
        return context
