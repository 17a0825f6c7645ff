"""Which roles a user may grant and whom they may manage (who they may *see* is ``visible_to``).

三员分立: business administrators (省/市/县/基层) keep managing business accounts at or below their own
node and role; the three administrators (系统/安全/审计管理员) and superusers are created, edited, reset and
deactivated by the security administrator alone, who grants any role inside its own subtree.
"""

from __future__ import annotations

from .models import ROLE_RANK, SEPARATED_ROLES, Role, User


def rank(user: User) -> int:
    return 99 if user.is_superuser else ROLE_RANK.get(user.role, 0)


def _security(actor: User) -> bool:
    return actor.is_superuser or (actor.role == Role.SECURITY_ADMIN and actor.can_manage_users)


def grantable_roles(actor: User) -> list[Role]:
    """The security administrator: every role. A business administrator: business roles no higher than
    its own, never one of the three administrators."""
    if _security(actor):
        return list(Role)
    if not actor.can_manage_users:
        return []
    return [role for role in Role if role not in SEPARATED_ROLES and ROLE_RANK[role] <= rank(actor)]


def may_manage(actor: User, target: User) -> bool:
    """An administrator manages users of their subtree whose role is not above their own; an account of
    the three administrators (or a superuser) only the security administrator manages."""
    if not actor.can_manage_users or not User.objects.visible_to(actor).filter(pk=target.pk).exists():
        return False
    if _security(actor):
        return not target.is_superuser or actor.is_superuser
    return target.role not in SEPARATED_ROLES and not target.is_superuser and rank(target) <= rank(actor)


def may_reset_otp(actor: User, target: User) -> bool:
    """A user's second factor is reset by the security administrator alone, for users it manages, never its
    own (its own device it replaces at /accounts/otp/ with a current code, like everyone)."""
    return _security(actor) and actor.pk != target.pk and may_manage(actor, target)
