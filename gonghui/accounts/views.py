from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.views.generic import ListView
from django.views.generic.edit import ModelFormMixin, ProcessFormView, SingleObjectTemplateResponseMixin
from django_tables2.paginators import LazyPaginator

from gonghui.core.models import AuditEvent
from gonghui.core.net import client_ip

from .forms import AuditFilterForm, UserForm
from .models import Role, User
from .roles import may_manage


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class AdminRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.can_edit:
            raise PermissionDenied("只有管理员可以管理用户")
        return super().dispatch(request, *args, **kwargs)


class UserListView(AdminRequiredMixin, ListView):
    model = User
    template_name = "accounts/user_list.html"
    paginate_by = 50
    context_object_name = "users"

    def get_queryset(self):
        users = (
            User.objects.visible_to(self.request.user)
            .select_related("union")
            .order_by("union__path", "username")
        )
        q = self.request.GET.get("q", "").strip()
        if q:
            users = users.filter(Q(username__startswith=q) | Q(full_name__startswith=q))
        role = self.request.GET.get("role", "")
        if role:
            users = users.filter(role=role)
        return users.prefetch_related("user_permissions")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": "用户管理",
            "roles": Role.choices,
            "q": self.request.GET.get("q", ""),
            "role": self.request.GET.get("role", ""),
        }


class UserEditView(AdminRequiredMixin, SingleObjectTemplateResponseMixin, ModelFormMixin, ProcessFormView):
    """Create (no pk) or edit a user of my subtree; never above my role or outside my node."""

    model = User
    form_class = UserForm
    template_name = "accounts/user_form.html"
    # Not "user": that name is the logged-in user in every template (header, permissions).
    context_object_name = "target_user"

    def get_queryset(self):
        return User.objects.visible_to(self.request.user)

    def get_object(self, queryset=None):
        if "pk" not in self.kwargs:
            return None
        target = super().get_object(queryset)
        if not may_manage(self.request.user, target):
            raise PermissionDenied("该用户的角色高于您的角色，不能修改")
        return target

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "ip": client_ip(self.request)}

    def form_valid(self, form):
        with transaction.atomic():  # the form saves through services.save_user, which writes the audit row
            self.object = form.save()
            if not User.objects.visible_to(self.request.user).filter(pk=self.object.pk).exists():
                transaction.set_rollback(True)
                raise PermissionDenied("保存后的用户不在您的管辖范围内")
        messages.success(self.request, f"已保存用户「{self.object.username}」")
        return redirect("accounts:user-list")

    def get_context_data(self, **kwargs):
        title = f"编辑用户：{self.object.username}" if self.object else "新增用户"
        return {**super().get_context_data(**kwargs), "title": title}


class AuditLogView(LoginRequiredMixin, ListView):
    """审计日志: auditors and province administrators, events of users in their subtree, newest first."""

    model = AuditEvent
    template_name = "accounts/audit_list.html"
    paginate_by = 50
    paginator_class = LazyPaginator  # no COUNT(*) over years of events

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.can_audit:
            raise PermissionDenied("只有审计员和省级管理员可以查看审计日志")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        self.filter_form = AuditFilterForm(self.request.GET or None)
        events = AuditEvent.objects.visible_to(self.request.user).order_by("-at", "-id")
        if self.filter_form.is_bound:
            events = self.filter_form.filter(events)
        return events

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "title": "审计日志",
            "filter_form": self.filter_form,
            "query": query.urlencode(),
        }
