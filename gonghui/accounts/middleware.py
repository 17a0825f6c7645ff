"""Sessions and passwords, checked on every request of a signed-in user (issue 11).

``SessionTimeoutMiddleware``: a session ends after ``GONGHUI_SESSION_IDLE_MINUTES`` (30) without a request
and, however busy, ``GONGHUI_SESSION_MAX_HOURS`` (8) after the login. The times are kept in the session
(``_gonghui_login_at``, ``_gonghui_seen_at``, epoch seconds); the last-seen time is written at most once a
minute so that not every request rewrites the session row.

``UserSessionMiddleware``: each signed-in session has its row (``UserSession``, recorded at login by
``services.start_session``; the session holds the row's id under ``_gonghui_session_id``). A session whose
row was ended (by its user, the security administrator, or the login limit ``GONGHUI_MAX_SESSIONS``) is
logged out at its next request with a Chinese message saying why; the row's last-seen time is written at
most once a minute.

``PasswordChangeRequiredMiddleware``: a user whose password has expired (``GONGHUI_PASSWORD_MAX_AGE_DAYS``)
or was reset by an administrator (``must_change_password``) sees only the change-password page (and can
log out) until they choose a new one.

``OTPRequiredMiddleware`` (before the password check: the second factor proves who is asking before
anything else is allowed, a password change included): a user who must give a TOTP code (see
``accounts.otp``) sees only the code page, the enrolment page and logout until they gave one."""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from gonghui.core.net import client_ip

from . import otp, roles, services
from .models import UserSession

LOGIN_AT = "_gonghui_login_at"
SEEN_AT = "_gonghui_seen_at"
IDLE_EXPIRED = "您已超过 {minutes} 分钟未操作，为保护数据安全已自动退出，请重新登录。"
ABSOLUTE_EXPIRED = "本次登录已满 {hours} 小时，为保护数据安全已自动退出，请重新登录。"
PASSWORD_EXPIRED = "您的密码已超过有效期，请先修改密码再继续使用。"
PASSWORD_RESET = "您的密码由管理员重置，请先设置一个只有您知道的新密码。"
SESSION_ID = "_gonghui_session_id"
END_REASON = "_gonghui_end_reason"  # set on the request before a logout that is not the user's own
SESSION_ENDED = {
    UserSession.EndReason.LIMIT: "您的账号在其他地方登录，同时登录数超过上限（{limit} 个），本次登录已结束。"
    "如非本人操作，请立即修改密码并联系安全管理员。",
    UserSession.EndReason.BY_ADMIN: "安全管理员已结束您的本次登录，请重新登录。",
    UserSession.EndReason.BY_USER: "本次登录已在「我的登录会话」中被结束，请重新登录。",
    UserSession.EndReason.PASSWORD: "您的密码已修改，本次登录已结束，请用新密码登录。",
}


OTP_NEEDED = "请先输入手机验证器上的动态验证码。"
OTP_ENROL_NEEDED = "管理员账号须绑定动态验证码（第二重身份验证）后才能继续使用。"
OTP_GONE = "您的动态验证码已被重置或在别处重新绑定，为保护数据安全已退出，请重新登录。"
OTP_API_NEEDED = "请先在浏览器中完成动态验证码验证，或使用 API 令牌。"


def otp_step(request) -> str:
    """What the signed-in user of this request still owes: ``"verify"`` (a code), ``"enrol"`` (a device),
    ``"gone"`` (this session passed a code but the device is no more) or ``""`` (nothing)."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return ""
    session = request.session
    if session.get(otp.VERIFIED):
        return "gone"
    must = otp.required(user)
    if not must and session.get(otp.HAS_DEVICE) is False:
        return ""  # known at login: no device and none required; no query on each request
    has_device = otp.confirmed_device(user) is not None
    if session.get(otp.HAS_DEVICE) is not has_device:
        session[otp.HAS_DEVICE] = has_device
    return "verify" if has_device else "enrol" if must else ""


@receiver(user_logged_in)
def _note_otp_device(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[otp.HAS_DEVICE] = otp.confirmed_device(user) is not None


class OTPRequiredMiddleware:
    """Needs django-otp's ``OTPMiddleware`` before it (``request.user.is_verified``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith("/static/"):
            return self.get_response(request)
        step = otp_step(request)
        if not step:
            return self.get_response(request)
        if step == "gone":
            logout(request)
            messages.warning(request, OTP_GONE)
            return self._send(request, reverse("accounts:login"))
        if request.path.startswith("/api/"):
            if "HTTP_AUTHORIZATION" in request.META:
                # An API token is a credential of its own; the API's session authentication refuses
                # this unverified session (api_auth.VerifiedSessionAuth) should the token be wrong.
                return self.get_response(request)
            return JsonResponse({"detail": OTP_API_NEEDED}, status=401)
        page = reverse("accounts:otp-verify" if step == "verify" else "accounts:otp-enrol")
        allowed = (page, reverse("accounts:logout"), reverse("accounts:login"))
        if request.path in allowed:
            return self.get_response(request)
        messages.warning(request, OTP_NEEDED if step == "verify" else OTP_ENROL_NEEDED)
        if request.method == "GET" and not self._htmx(request):
            page = f"{page}?{urlencode({'next': request.get_full_path()})}"
        return self._send(request, page)

    @staticmethod
    def _htmx(request) -> bool:
        # django-htmx's middleware runs after this one: read its header directly.
        return request.headers.get("HX-Request") == "true"

    @classmethod
    def _send(cls, request, url: str):
        if cls._htmx(request):
            return HttpResponse(status=204, headers={"HX-Redirect": url})
        return redirect(url)


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = (
                PASSWORD_RESET
                if user.must_change_password
                else PASSWORD_EXPIRED
                if user.password_expired
                else ""
            )
            allowed = (
                reverse("accounts:password-change"),
                reverse("accounts:logout"),
                reverse("accounts:login"),
                # The second factor comes first (OTPRequiredMiddleware sends the user there).
                reverse("accounts:otp-verify"),
                reverse("accounts:otp-enrol"),
            )
            if reason and request.path not in allowed and not request.path.startswith("/static/"):
                messages.warning(request, reason)
                return redirect("accounts:password-change")
        return self.get_response(request)


@receiver(user_logged_in)
def _start_session_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[LOGIN_AT] = request.session[SEEN_AT] = now


def _sign_out(request, message: str) -> HttpResponse:
    """Log the request's session out and send the browser to the login page with ``message``."""
    logout(request)
    messages.warning(request, message)
    login_url = f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}"
    if getattr(request, "htmx", False):
        return HttpResponse(status=204, headers={"HX-Redirect": login_url})
    return redirect(login_url)


def _user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")


@receiver(user_logged_in)
def _record_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        row = services.start_session(user, ip=client_ip(request), user_agent=_user_agent(request))
        request.session[SESSION_ID] = row.pk


@receiver(user_logged_out)
def _close_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        reason = getattr(request, END_REASON, UserSession.EndReason.LOGOUT)
        services.close_session(request.session.get(SESSION_ID), reason)


class UserSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            row_id = request.session.get(SESSION_ID)
            row = UserSession.objects.filter(pk=row_id, user=user).first() if row_id else None
            if row is None:
                # A session older than the sessions table (or whose row is gone): record it now.
                row = services.start_session(user, ip=client_ip(request), user_agent=_user_agent(request))
                request.session[SESSION_ID] = row.pk
            elif row.ended_at is not None:
                message = SESSION_ENDED.get(row.end_reason, "本次登录已结束，请重新登录。")
                return _sign_out(request, message.format(limit=services.max_sessions()))
            elif timezone.now() - row.last_seen_at >= dt.timedelta(minutes=1):
                UserSession.objects.filter(pk=row.pk).update(last_seen_at=timezone.now())
        return self.get_response(request)


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._expired(request)
            if expired:
                setattr(request, END_REASON, UserSession.EndReason.TIMEOUT)
                return _sign_out(request, expired)
        return self.get_response(request)

    @staticmethod
    def _expired(request) -> str:
        session, now = request.session, time.time()
        idle = settings.GONGHUI_SESSION_IDLE_MINUTES * 60
        absolute = settings.GONGHUI_SESSION_MAX_HOURS * 3600
        login_at = session.setdefault(LOGIN_AT, now)
        seen_at = session.get(SEEN_AT, now)
        if now - login_at > absolute:
            return ABSOLUTE_EXPIRED.format(hours=settings.GONGHUI_SESSION_MAX_HOURS)
        if now - seen_at > idle:
            return IDLE_EXPIRED.format(minutes=settings.GONGHUI_SESSION_IDLE_MINUTES)
        if SEEN_AT not in session or now - seen_at >= 60:
            session[SEEN_AT] = now
        return ""


class LeastPrivilegeMiddleware:
    """三员分立 (issue 11): the system, security and audit administrators open only their own tools
    (``accounts.roles.may_open``, the rule the menu shows). Anything else is refused before the view runs,
    so a refused POST changes nothing; the 403 is audited by ``core.middleware.ForbiddenAuditMiddleware``.
    API tokens of the three are refused in ``api_auth.TokenAuth`` by the same rule."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not user.tools_only:
            return None
        match = request.resolver_match
        if roles.may_open(user, match.view_name if match else None):
            return None
        reason = roles.refusal(user)
        if match is not None and match.namespace == "api":
            return JsonResponse({"detail": reason}, status=403, json_dumps_params={"ensure_ascii": False})
        raise PermissionDenied(reason)
