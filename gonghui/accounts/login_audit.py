"""Logins, failed logins, lockouts and logouts go to the audit log, where auditors read them (Django's
auth signals and django-axes's ``user_locked_out`` are the only hooks for them)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from gonghui.core import audit
from gonghui.core.models import AuditEvent


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs):
    audit.record(request, AuditEvent.Action.LOGIN, user=user)


@receiver(user_login_failed)
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    audit.record(request, AuditEvent.Action.LOGIN_FAILED, detail=str(credentials.get("username", ""))[:150])


@receiver(user_locked_out)
def _audit_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    audit.record(
        request,
        AuditEvent.Action.LOGIN_LOCKED,
        detail=f"用户名「{str(username or '')[:150]}」连续登录失败，账号或来源地址已被锁定",
    )


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(request, AuditEvent.Action.LOGOUT, user=user)
