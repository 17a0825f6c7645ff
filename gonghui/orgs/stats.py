"""Counts for a union's whole subtree (the tree page, the home page, union detail)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from gonghui.members.models import HELD_STATUSES, Member

from .models import GRASSROOTS_KINDS, UnionOrg, Workplace


@dataclass
class SubtreeCounts:
    unions: int  # the union itself and every active union under it
    subordinate_unions: int  # the active unions under it (下属工会): never the union itself
    grassroots_unions: int
    workplaces: int
    covered_workplaces: int
    members: int
    migrant_members: int
    new_form_members: int


def subtree_counts(union: UnionOrg) -> SubtreeCounts:
    unions = UnionOrg.objects.filter(path__startswith=union.path, status=UnionOrg.Status.ACTIVE).aggregate(
        total=Count("id"),
        below=Count("id", filter=~Q(pk=union.pk)),
        grassroots=Count("id", filter=Q(kind__in=GRASSROOTS_KINDS)),
    )
    workplaces = Workplace.objects.filter(governing_union__path__startswith=union.path)
    covered = (
        Workplace.objects.filter(unions__path__startswith=union.path, unions__status=UnionOrg.Status.ACTIVE)
        .values("id")
        .distinct()
        .count()
    )
    members = Member.objects.filter(union__path__startswith=union.path, status__in=HELD_STATUSES).aggregate(
        total=Count("id"),
        migrant=Count("id", filter=Q(is_migrant_worker=True)),
        new_form=Count("id", filter=Q(new_form_group__isnull=False)),
    )
    return SubtreeCounts(
        unions=unions["total"],
        subordinate_unions=unions["below"],
        grassroots_unions=unions["grassroots"],
        workplaces=workplaces.count(),
        covered_workplaces=covered,
        members=members["total"],
        migrant_members=members["migrant"],
        new_form_members=members["new_form"],
    )
