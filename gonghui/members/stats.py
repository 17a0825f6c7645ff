"""The member figures of a union's subtree, added to orgs' subtree counts (``orgs.stats``) by
``MembersConfig.ready()``."""

from __future__ import annotations

from django.db.models import Count, Q

from .models import HELD_STATUSES, Member


def subtree_member_counts(union) -> dict[str, int]:
    """Members held in the union's subtree, of them 农民工 and 新就业形态: one aggregate query."""
    members = Member.objects.filter(union__path__startswith=union.path, status__in=HELD_STATUSES).aggregate(
        total=Count("id"),
        migrant=Count("id", filter=Q(is_migrant_worker=True)),
        new_form=Count("id", filter=Q(new_form_group__isnull=False)),
    )
    return {
        "members": members["total"],
        "migrant_members": members["migrant"],
        "new_form_members": members["new_form"],
    }
