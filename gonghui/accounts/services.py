"""User administration. Each write is one transaction that saves the user and writes its audit event.

The user page, the admin and commands call these; none of them touches a request (``ip`` is the client's
address as a plain value, None from a command).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.models import AuditEvent

from .models import SEPARATED_NO_SENSITIVE, SEPARATED_ROLES, ApiToken, User


def sensitive_permission() -> Permission:
    return Permission.objects.get(codename="view_sensitive", content_type__app_label="accounts")


@transaction.atomic
def save_user(
    user: User,
    *,
    actor: User | None = None,
    password: str = "",
    view_sensitive: bool | None = None,
    changed: Sequence[str] = (),
    ip: str | None = None,
) -> User:
    """Create or update ``user`` (its fields already set). A non-empty ``password`` is set (a reset when
    the user exists); ``view_sensitive`` grants or withdraws 查看敏感信息 (None: left as it is).
    ``changed`` names the edited fields for the audit event, which also says 重置密码 and the grant.

    三员分立: a 系统/安全/审计管理员 never holds 查看敏感信息 (granting it is refused; it is withdrawn when
    such a role is given) and is never a superuser (the model's constraint)."""
    creating = user._state.adding
    had_sensitive = not creating and user.user_permissions.filter(codename="view_sensitive").exists()
    if user.role in SEPARATED_ROLES:
        if view_sensitive:
            raise ValidationError(SEPARATED_NO_SENSITIVE)
        view_sensitive = False
    user.validate_constraints()
    if password:
        user.set_password(password)
        # A password someone else chose (an administrator's reset) is changed by its owner at next login.
        user.must_change_password = not creating and (actor is None or actor.pk != user.pk)
    user.save()
    changes = list(changed)
    if password and not creating:
        changes.append("重置密码")
    if view_sensitive is not None:
        if view_sensitive:
            user.user_permissions.add(sensitive_permission())
        else:
            user.user_permissions.remove(sensitive_permission())
        if view_sensitive != had_sensitive:
            changes.append("授予查看敏感信息" if view_sensitive else "收回查看敏感信息")
    action = AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE
    audit.log(action, user, actor=actor, ip=ip, detail="、".join(changes))
    return user


@transaction.atomic
def issue_token(
    user: User, name: str, *, days: int | None = None, actor: User | None = None, ip: str | None = None
) -> tuple[ApiToken, str]:
    """Issue an API token (valid ``days``, default GONGHUI_API_TOKEN_DAYS) and audit it; returns the token
    and its key, which is shown once."""
    token, key = ApiToken.issue(user, name, days=days)
    detail = f"签发 API 令牌「{name}」给「{user.username}」，有效期至 {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}"
    audit.log(AuditEvent.Action.CREATE, token, actor=actor, ip=ip, detail=detail)
    return token, key


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: User | None = None, ip: str | None = None) -> ApiToken:
    """Revoke a token at once (it answers 401 from then on) and audit it."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        detail = f"吊销「{token.user.username}」的 API 令牌「{token.name}」"
        audit.log(AuditEvent.Action.UPDATE, token, actor=actor, ip=ip, detail=detail)
    return token
