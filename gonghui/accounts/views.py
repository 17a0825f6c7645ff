import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView
from django_otp import login as otp_login

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.net import client_ip
from gonghui.core.views import ObjectDeleteView, ObjectEditView, ObjectListView, RoleRequiredMixin

from . import otp, services
from .filters import AuditEventFilterSet, UserFilterSet
from .forms import OTPCodeForm, TokenIssueForm, UserForm
from .lockouts import ACCOUNT, ADDRESS, current_lockouts, find_lockout
from .middleware import SESSION_ID, otp_step
from .models import ApiToken, User, UserSession
from .roles import may_manage, may_reset_otp
from .tables import AuditEventTable, UserTable


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def locked_out(request, original_response=None, credentials=None):
    """django-axes's answer to a locked-out login (AXES_LOCKOUT_CALLABLE): in Chinese, with the way out."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "accounts/locked_out.html", context, status=429)


def _next_url(request) -> str:
    """Where to go once the code is given: the page the user asked for, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path of this site only: redirect() would read anything else as a URL name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _otp_passed(request, device) -> None:
    otp_login(request, device)
    request.session[otp.VERIFIED] = True
    request.session[otp.HAS_DEVICE] = True


def _otp_locked_out(request, lock: otp.Lock):
    """Too many wrong codes: the session ends (the password alone opens nothing more)."""
    logout(request)
    messages.error(request, lock.message)
    return redirect("accounts:login")


class OTPVerifyView(LoginRequiredMixin, View):
    """动态验证码: the code after the password, for a user with a confirmed device (accounts.otp)."""

    open_without_node = True
    template_name = "accounts/otp_verify.html"

    def get(self, request):
        if otp_step(request) != "verify":
            return redirect(_next_url(request))
        return self._page(request, OTPCodeForm())

    def post(self, request):
        if otp_step(request) != "verify":
            return redirect(_next_url(request))
        form = OTPCodeForm(request.POST)
        if form.is_valid():
            outcome = otp.verify(request.user, form.cleaned_data["code"], ip=client_ip(request))
            if outcome.ok:
                _otp_passed(request, outcome.device)
                return redirect(_next_url(request))
            if outcome.lock.locked:
                return _otp_locked_out(request, outcome.lock)
            form.add_error("code", outcome.message)
        return self._page(request, form)

    def _page(self, request, form):
        context = {"form": form, "lock": otp.lock_state(request.user), "next": _next_url(request)}
        return render(request, self.template_name, context)


class OTPEnrolView(LoginRequiredMixin, View):
    """绑定动态验证码: a QR code (and the secret for typing in), confirmed with a first code. Open to a user
    without a confirmed device, and to one who gave their current code on their own page a moment ago."""

    open_without_node = True
    template_name = "accounts/otp_enrol.html"

    def _allowed(self, request) -> bool:
        if otp.confirmed_device(request.user) is None:
            return True
        given_at = request.session.get(otp.REENROL_AT, 0)
        return request.user.is_verified() and time.time() - given_at < otp.REENROL_SECONDS

    def get(self, request):
        if not self._allowed(request):
            messages.warning(request, "重新绑定前，请先输入当前的动态验证码")
            return redirect("accounts:otp-status")
        return self._page(request, OTPCodeForm())

    def post(self, request):
        if not self._allowed(request):
            messages.warning(request, "重新绑定前，请先输入当前的动态验证码")
            return redirect("accounts:otp-status")
        form = OTPCodeForm(request.POST)
        if form.is_valid():
            device = otp.pending_device(request.user)
            outcome = otp.enrol(request.user, device, form.cleaned_data["code"], ip=client_ip(request))
            if outcome.ok:
                _otp_passed(request, outcome.device)
                request.session.pop(otp.REENROL_AT, None)
                messages.success(request, "已绑定动态验证码，以后登录时须输入验证器上的 6 位数字")
                return redirect(_next_url(request))
            if outcome.lock.locked:
                return _otp_locked_out(request, outcome.lock)
            form.add_error("code", outcome.message)
        return self._page(request, form)

    def _page(self, request, form):
        device = otp.pending_device(request.user)
        context = {
            "form": form,
            "qr": otp.qr_data_uri(device),
            "secret": otp.secret_groups(device),
            "required": otp.required(request.user),
            "reenrol": otp.confirmed_device(request.user) is not None,
            "next": _next_url(request),
        }
        return render(request, self.template_name, context)


class OTPStatusView(LoginRequiredMixin, View):
    """The user's own page: whether they hold a second factor, whether they must, and re-enrolment (a new
    phone) after giving the current code."""

    open_without_node = True
    template_name = "accounts/otp_status.html"

    def get(self, request):
        return self._page(request, OTPCodeForm())

    def post(self, request):
        form = OTPCodeForm(request.POST)
        if otp.confirmed_device(request.user) is None:
            return redirect("accounts:otp-enrol")
        if form.is_valid():
            outcome = otp.verify(
                request.user, form.cleaned_data["code"], ip=client_ip(request), purpose="重新绑定前核对"
            )
            if outcome.ok:
                request.session[otp.REENROL_AT] = time.time()
                return redirect("accounts:otp-enrol")
            if outcome.lock.locked:
                return _otp_locked_out(request, outcome.lock)
            form.add_error("code", outcome.message)
        return self._page(request, form)

    def _page(self, request, form):
        context = {
            "title": "动态验证码",
            "form": form,
            "device": otp.confirmed_device(request.user),
            "required": otp.required(request.user),
            "setting_on": settings.GONGHUI_ADMIN_OTP,
        }
        return render(request, self.template_name, context)


class OTPResetView(LoginRequiredMixin, View):
    """The security administrator resets a user's second factor (a lost phone): audited; the user enrols
    again at the next login."""

    def post(self, request, pk: int):
        target = get_object_or_404(User.objects.visible_to(request.user), pk=pk)  # outside my subtree: 404
        if not may_reset_otp(request.user, target):
            raise PermissionDenied("只有安全管理员可以重置其所管理用户的动态验证码（不能重置自己的）")
        removed = otp.reset(target, actor=request.user, ip=client_ip(request))
        if removed:
            messages.success(request, f"已重置用户「{target.username}」的动态验证码，其下次登录时须重新绑定")
        else:
            messages.info(request, f"用户「{target.username}」尚未绑定动态验证码，已记录本次重置")
        return redirect("accounts:user-edit", pk=target.pk)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Users change their own password (Django's view: the old one is checked, the rules of
    AUTH_PASSWORD_VALIDATORS apply, this session stays signed in and every other session of the user ends)."""

    template_name = "accounts/password_change.html"
    open_without_node = True  # a user without a node may still change their password

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["old_password"].label = "原密码"
        form.fields["new_password1"].label = "新密码"
        form.fields["new_password2"].label = "确认新密码"
        return form

    def get_success_url(self) -> str:
        return reverse("core:home")

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)  # update_session_auth_hash: this session stays signed in
        ended = services.end_other_sessions(self.request.user, keep=self.request.session.get(SESSION_ID))
        detail = "本人修改密码" + (f"，结束其他 {ended} 个登录会话" if ended else "")
        audit.record(self.request, AuditEvent.Action.PASSWORD_CHANGE, self.request.user, detail=detail)
        messages.success(self.request, "密码已修改")
        return response


def visible_tokens(user, *, everyone: bool = False):
    """A user's own tokens and, for a business administrator, those of the users of their subtree; with
    ``everyone``, for the security administrator, every token of its subtree."""
    if user.can_edit or (everyone and user.is_security_admin):
        owners = User.objects.visible_to(user)
    else:
        owners = User.objects.filter(pk=user.pk)
    return ApiToken.objects.filter(user__in=owners).select_related("user", "user__union")


class TokenListView(LoginRequiredMixin, TemplateView):
    """API 令牌 (``everyone`` False, in every user's header menu): one's own tokens, and for a business
    administrator those of the users they manage; everyone issues their own, read-only. 令牌 (``everyone``
    True, the security administrator's menu): every token of its subtree; it issues for the users it
    manages and grants or withdraws write scope. Revoking (``services.revoke_token``) is audited."""

    template_name = "accounts/token_list.html"
    everyone = False
    open_without_node = True  # one's own tokens need no node; the form offers no one else then

    def dispatch(self, request, *args, **kwargs):
        if self.everyone and request.user.is_authenticated and not request.user.is_security_admin:
            raise PermissionDenied(SecurityAdminRequiredMixin.permission_denied_message)
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data=None) -> TokenIssueForm:
        return TokenIssueForm(data, actor=self.request.user, for_others=self.everyone)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self._form()))

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        token, key = services.issue_token(
            data["owner"],
            data["name"],
            days=data["days"],
            can_write=bool(data.get("can_write")),
            actor=request.user,
            ip=client_ip(request),
        )
        # The key is shown in this one answer and stored nowhere (not in a message, not in the session).
        context = self.get_context_data(form=self._form(), new_token=token, new_key=key)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        user = self.request.user
        tokens = visible_tokens(user, everyone=self.everyone).order_by("-created_at")
        rows = [(t, t.user_id == user.pk or may_manage(user, t.user)) for t in tokens]
        return {
            **super().get_context_data(**kwargs),
            "title": "令牌" if self.everyone else "API 令牌",
            "everyone": self.everyone,
            "rows": rows,
            "grants": self.everyone,
            "max_days": settings.GONGHUI_API_TOKEN_DAYS,
        }


def _back_to_tokens(request):
    return redirect("accounts:token-all" if request.POST.get("next") == "all" else "accounts:token-list")


class TokenRevokeView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        # Outside my subtree: 404 (the security administrator reaches its subtree's tokens).
        token = get_object_or_404(visible_tokens(request.user, everyone=True), pk=pk)
        if token.user_id != request.user.pk and not may_manage(request.user, token.user):
            raise PermissionDenied("只能吊销本人或您所管理用户的令牌")
        services.revoke_token(token, actor=request.user, ip=client_ip(request))
        messages.success(request, f"已吊销令牌「{token.name}」")
        return _back_to_tokens(request)


class TokenScopeView(LoginRequiredMixin, View):
    """The security administrator grants (``can_write=1``) or withdraws (``0``) a token's write scope."""

    def post(self, request, pk: int):
        token = get_object_or_404(visible_tokens(request.user, everyone=True), pk=pk)  # outside: 404
        if not (request.user.is_security_admin and may_manage(request.user, token.user)):
            raise PermissionDenied("只有安全管理员可以授予或收回 API 令牌的写权限")
        raw = request.POST.get("can_write", "")
        if raw not in ("0", "1"):
            raise BadRequest("参数 can_write 应为 0 或 1")
        try:
            services.set_token_write(token, raw == "1", actor=request.user, ip=client_ip(request))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            verb = "授予" if raw == "1" else "收回"
            messages.success(request, f"已{verb}令牌「{token.name}」的写权限")
        return _back_to_tokens(request)


class SecurityAdminRequiredMixin(RoleRequiredMixin):
    required_role = "is_security_admin"
    permission_denied_message = "只有安全管理员可以使用此功能（三员分立）"


class LockoutListView(SecurityAdminRequiredMixin, TemplateView):
    """登录锁定: the lockouts in force the security administrator may lift (see ``lockouts``)."""

    template_name = "accounts/lockout_list.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": "登录锁定",
            "lockouts": current_lockouts(self.request.user),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        }


class LockoutUnlockView(SecurityAdminRequiredMixin, View):
    def post(self, request):
        kind, value = request.POST.get("kind", ""), request.POST.get("value", "").strip()
        if kind not in (ACCOUNT, ADDRESS) or not value:
            raise BadRequest("参数 kind 应为 username 或 ip，value 不能为空")
        lockout = find_lockout(request.user, kind, value)
        if lockout is None:
            raise Http404("没有这项锁定，或它已自动解除，或不在您的管辖范围内")
        services.unlock(lockout, actor=request.user, ip=client_ip(request))
        messages.success(request, f"已解除{lockout.kind_label}「{lockout.value}」的登录锁定")
        return redirect("accounts:lockout-list")


class SessionListView(LoginRequiredMixin, TemplateView):
    """我的登录会话 (``everyone`` False): one's own sessions; 会话 (True): the security administrator's list
    of the live sessions of its subtree."""

    template_name = "accounts/session_list.html"
    everyone = False
    open_without_node = True  # one's own sessions need no node

    def dispatch(self, request, *args, **kwargs):
        if self.everyone and request.user.is_authenticated and not request.user.is_security_admin:
            raise PermissionDenied(SecurityAdminRequiredMixin.permission_denied_message)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        rows = UserSession.objects.visible_to(user).select_related("user", "user__union")
        if self.everyone:
            rows = rows.live().order_by("user__union__path", "user__username", "-created_at")[:SESSION_ROWS]
        else:
            rows = rows.filter(user=user).order_by("-created_at")[:SESSION_ROWS]
        return {
            **super().get_context_data(**kwargs),
            "title": "会话" if self.everyone else "我的登录会话",
            "everyone": self.everyone,
            "rows": rows,
            "current": self.request.session.get(SESSION_ID),
            "max_sessions": services.max_sessions(),
            "row_cap": SESSION_ROWS,
        }


SESSION_ROWS = 200  # the newest; older rows stay in the table for the record


class SessionEndView(LoginRequiredMixin, View):
    open_without_node = True

    def post(self, request, pk: int):
        session = get_object_or_404(
            UserSession.objects.visible_to(request.user).select_related("user"), pk=pk
        )
        if session.user_id != request.user.pk and not may_manage(request.user, session.user):
            raise PermissionDenied("只能结束本人或您所管理用户的登录会话")
        services.end_session(session, actor=request.user, ip=client_ip(request))
        if session.pk == request.session.get(SESSION_ID):
            return redirect("accounts:login")  # the middleware signs this very session out next
        messages.success(request, "已结束该登录会话")
        back = "accounts:session-all" if request.POST.get("next") == "all" else "accounts:session-list"
        return redirect(back)


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
        if self.object is not None:
            context["otp_device"] = otp.confirmed_device(self.object)
            context["otp_required"] = otp.required(self.object)
            context["can_reset_otp"] = may_reset_otp(self.request.user, self.object)
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
    """审计日志: the audit administrator alone (三员分立), events of users in its subtree, newest first.
    Its export (the filters and scope shown) is audited like every list export (``core.exports``)."""

    model = AuditEvent
    filterset_class = AuditEventFilterSet
    table_class = AuditEventTable
    title = "审计日志"
    required_role = "can_audit"
    permission_denied_message = "只有审计管理员可以查看审计日志（三员分立）"

    def get_base_queryset(self):
        return super().get_base_queryset().order_by("-at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subtitle"] = f"{self.request.user.union or '全部组织'} 及其下级用户的操作记录"
        return context
