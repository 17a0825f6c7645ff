"""User administration. Each write is one transaction that saves the user and writes its audit event.

The user page, the admin and commands call these; none of them touches a request (``ip`` is the client's
address as a plain value, None from a command).
"""

from __future__ import annotations

from collections.abc import Sequence

import axes.utils
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.models import AuditEvent

from .lockouts import ACCOUNT, Lockout
from .models import SEPARATED_NO_SENSITIVE, SEPARATED_ROLES, ApiToken, User, UserSession
from .roles import may_manage


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
        # Django's session hash already signs every session of the user out at its next request; ending
        # the rows too keeps 「登录会话」 truthful and the session limit counting only live sessions.
        ended = end_other_sessions(user, keep=None)
        if ended:
            changes.append(f"结束其 {ended} 个登录会话")
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


def _check_write_grant(user: User, actor: User | None) -> None:
    """Write scope: granted by the security administrator (or a command: ``actor`` None) who manages the
    token's user, and only to a user who can edit."""
    if actor is not None and not (actor.is_security_admin and may_manage(actor, user)):
        raise PermissionDenied("只有安全管理员可以授予或收回 API 令牌的写权限")
    if not user.can_edit:
        raise ValidationError(f"用户「{user.username}」没有修改数据的权限，其令牌只能只读")


@transaction.atomic
def issue_token(
    user: User,
    name: str,
    *,
    days: int | None = None,
    can_write: bool = False,
    actor: User | None = None,
    ip: str | None = None,
) -> tuple[ApiToken, str]:
    """Issue an API token (valid ``days``, default GONGHUI_API_TOKEN_DAYS; read-only unless ``can_write``,
    which only the security administrator grants) and audit it; returns the token and its key, which is
    shown once."""
    if can_write:
        _check_write_grant(user, actor)
    token, key = ApiToken.issue(user, name, days=days)
    if can_write:
        token.can_write = True
        token.save(update_fields=["can_write"])
    scope = "可读写" if can_write else "只读"
    detail = (
        f"签发 API 令牌「{name}」给「{user.username}」（{scope}），"
        f"有效期至 {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}"
    )
    audit.log(AuditEvent.Action.CREATE, token, actor=actor, ip=ip, detail=detail)
    return token, key


@transaction.atomic
def set_token_write(
    token: ApiToken, can_write: bool, *, actor: User | None = None, ip: str | None = None
) -> ApiToken:
    """Grant or withdraw a token's write scope (security administrator only; granting only to a user who
    can edit) and audit it. Withdrawing is allowed whatever the user's role."""
    if actor is not None and not (actor.is_security_admin and may_manage(actor, token.user)):
        raise PermissionDenied("只有安全管理员可以授予或收回 API 令牌的写权限")
    if can_write:
        _check_write_grant(token.user, actor)
    if token.can_write != can_write:
        token.can_write = can_write
        token.save(update_fields=["can_write"])
        verb = "授予" if can_write else "收回"
        detail = f"{verb}「{token.user.username}」的 API 令牌「{token.name}」写权限"
        audit.log(AuditEvent.Action.UPDATE, token, actor=actor, ip=ip, detail=detail)
    return token


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: User | None = None, ip: str | None = None) -> ApiToken:
    """Revoke a token at once (it answers 401 from then on) and audit it."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        detail = f"吊销「{token.user.username}」的 API 令牌「{token.name}」"
        audit.log(AuditEvent.Action.UPDATE, token, actor=actor, ip=ip, detail=detail)
    return token


# --- login lockouts -------------------------------------------------------------------------------------


@transaction.atomic
def unlock(lockout: Lockout, *, actor: User | None = None, ip: str | None = None) -> int:
    """Lift a lockout before its cool-off ends: django-axes's ``reset`` deletes the failed attempts of the
    account (from every address) or of the address (for every account); audited. Returns the rows removed.
    Who may lift which lockout is ``lockouts.find_lockout``'s answer, asked by the caller."""
    if lockout.kind == ACCOUNT:
        removed = axes.utils.reset(username=lockout.value)
        detail = f"解除账号「{lockout.value}」的登录锁定（{lockout.failures} 次失败）"
    else:
        removed = axes.utils.reset(ip=lockout.value)
        detail = f"解除来源地址 {lockout.value} 的登录锁定（{lockout.failures} 次失败）"
    audit.log(AuditEvent.Action.OTHER, lockout.user, actor=actor, ip=ip, detail=detail)
    return removed


# --- sessions -------------------------------------------------------------------------------------------


def max_sessions() -> int:
    return int(getattr(settings, "GONGHUI_MAX_SESSIONS", 3))


@transaction.atomic
def start_session(user: User, *, ip: str | None = None, user_agent: str = "") -> UserSession:
    """Record a login's session; beyond ``GONGHUI_MAX_SESSIONS`` live sessions the oldest are ended (each
    audited; the browser holding one is told at its next request). The user's row is locked so that two
    logins at once cannot both count themselves under the limit."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    session = UserSession.objects.create(user=user, ip=ip, user_agent=(user_agent or "")[:200])
    limit = max_sessions()
    if limit > 0:
        live = UserSession.objects.live().filter(user=user).order_by("-created_at", "-pk")
        for old in live[limit:]:
            _end(old, UserSession.EndReason.LIMIT)
            detail = (
                f"用户「{user.username}」新登录超过同时登录数上限 {limit}，"
                f"结束其最早的登录会话（{timezone.localtime(old.created_at):%Y-%m-%d %H:%M} 自 {old.ip or '未知地址'}）"
            )
            audit.log(AuditEvent.Action.LOGOUT, old, actor=user, ip=ip, detail=detail)
    return session


def _end(session: UserSession, reason: str) -> None:
    session.ended_at = timezone.now()
    session.end_reason = reason
    session.save(update_fields=["ended_at", "end_reason"])


def close_session(session_id: int | None, reason: str) -> None:
    """A logout or a timeout (already audited as 退出登录 by the logout signal): the row only."""
    if session_id is not None:
        UserSession.objects.filter(pk=session_id, ended_at=None).update(
            ended_at=timezone.now(), end_reason=reason
        )


@transaction.atomic
def end_session(session: UserSession, *, actor: User, ip: str | None = None) -> UserSession:
    """End a session from 「登录会话」: one's own, or as the security administrator anyone's of its subtree
    (the caller found ``session`` through ``UserSession.objects.visible_to(actor)``); audited."""
    if session.ended_at is None:
        own = session.user_id == actor.pk
        _end(session, UserSession.EndReason.BY_USER if own else UserSession.EndReason.BY_ADMIN)
        who = "本人" if own else "安全管理员"
        detail = (
            f"{who}结束用户「{session.user.username}」的登录会话"
            f"（{timezone.localtime(session.created_at):%Y-%m-%d %H:%M} 自 {session.ip or '未知地址'}）"
        )
        audit.log(AuditEvent.Action.LOGOUT, session, actor=actor, ip=ip, detail=detail)
    return session


def end_other_sessions(user: User, *, keep: int | None) -> int:
    """After a password change: every session of ``user`` but ``keep`` (the one that changed it; None
    after an administrator's reset) ends. Audited by the password change itself. Returns how many live
    sessions were ended (those already timed out stay as they are: 已超时)."""
    rows = UserSession.objects.live().filter(user=user)
    if keep is not None:
        rows = rows.exclude(pk=keep)
    return rows.update(ended_at=timezone.now(), end_reason=UserSession.EndReason.PASSWORD)
