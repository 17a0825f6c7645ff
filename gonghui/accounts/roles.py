"""Which roles a user may grant and whom they may manage (who they may *see* is ``visible_to``)."""

from __future__ import annotations

from .models import ROLE_RANK, Role, User


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
        and User.objects.visible_to(actor).filter(pk=target.pk).exists()
    )
