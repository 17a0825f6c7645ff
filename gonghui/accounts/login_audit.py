"""Logins and failed logins go to the audit log (Django's own auth signals are the only hook for them)."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from gonghui.core import audit
from gonghui.core.models import AuditEvent


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs):
    audit.record(request, AuditEvent.Action.LOGIN, user=user)


@receiver(user_login_failed)
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    audit.record(request, AuditEvent.Action.LOGIN_FAILED, detail=str(credentials.get("username", ""))[:150])
