"""Which users and audit events an administrator or auditor may see, and which roles they may grant."""

from __future__ import annotations

from django.db.models import QuerySet

from gonghui.core.models import AuditEvent
from gonghui.core.scope import narrow

from .models import ROLE_RANK, Role, User


def users_visible_to(actor: User) -> QuerySet[User]:
    """Users whose union lies in the actor's subtree (the actor's own node included)."""
    return narrow(User.objects.all(), actor, "union__path")


def audit_events_visible_to(actor: User) -> QuerySet[AuditEvent]:
    """Events of users in the actor's subtree. Failed logins of unknown usernames have no user and are
    shown only to superusers (they cannot be placed in any subtree)."""
    if actor.is_superuser:
        return AuditEvent.objects.all()
    return AuditEvent.objects.filter(user__in=users_visible_to(actor))


def rank(user: User) -> int:
    return 99 if user.is_superuser else ROLE_RANK.get(user.role, 0)


def grantable_roles(actor: User) -> list[Role]:
    """Roles no higher than the actor's own."""
    return [role for role in Role if ROLE_RANK[role] <= rank(actor)]


def may_manage(actor: User, target: User) -> bool:
    """An administrator manages users of their subtree whose role is not above their own."""
    return (
        actor.can_edit
        and rank(target) <= rank(actor)
        and users_visible_to(actor).filter(pk=target.pk).exists()
    )
