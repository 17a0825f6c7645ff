"""Sessions and passwords, checked on every request of a signed-in user (issue 11).

``PasswordChangeRequiredMiddleware``: a user whose password has expired (``GONGHUI_PASSWORD_MAX_AGE_DAYS``)
or was reset by an administrator (``must_change_password``) sees only the change-password page (and can
log out) until they choose a new one."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

PASSWORD_EXPIRED = "您的密码已超过有效期，请先修改密码再继续使用。"
PASSWORD_RESET = "您的密码由管理员重置，请先设置一个只有您知道的新密码。"


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
            )
            if reason and request.path not in allowed and not request.path.startswith("/static/"):
                messages.warning(request, reason)
                return redirect("accounts:password-change")
        return self.get_response(request)
