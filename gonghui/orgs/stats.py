"""Counts for a union's whole subtree (the tree page, the home page, union detail).

orgs counts its own rows (unions, workplaces); the apps that build on orgs add theirs through
:func:`register_counter`, called from their ``AppConfig.ready()`` — the members app adds the member
figures — so orgs never imports them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q

from .models import GRASSROOTS_KINDS, UnionOrg, Workplace

# A counter takes the subtree's root and returns some of SubtreeCounts' fields.
SubtreeCounter = Callable[[UnionOrg], dict[str, int]]
_COUNTERS: list[SubtreeCounter] = []


def register_counter(counter: SubtreeCounter) -> SubtreeCounter:
    if counter not in _COUNTERS:
        _COUNTERS.append(counter)
    return counter


@dataclass
class SubtreeCounts:
    unions: int  # the union itself and every active union under it
    subordinate_unions: int  # the active unions under it (下属工会): never the union itself
    grassroots_unions: int
    workplaces: int
    covered_workplaces: int
    # Counted by the members app (members.stats.subtree_member_counts); 0 if it is not installed.
    members: int = 0
    migrant_members: int = 0
    new_form_members: int = 0


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
    contributed: dict[str, int] = {}
    for counter in _COUNTERS:
        contributed.update(counter(union))
    return SubtreeCounts(
        unions=unions["total"],
        subordinate_unions=unions["below"],
        grassroots_unions=unions["grassroots"],
        workplaces=workplaces.count(),
        covered_workplaces=covered,
        **contributed,
    )
