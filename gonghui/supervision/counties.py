"""Which unions are "county-level" (县级工会) for supervision: the one definition the board, the pairing
coverage, the meeting indicators and the reminders share.

County unions, plus development-zone unions placed directly under a city union (Wuhu's 经开区 and 三山经开区
are counted with the counties in the plans); a zone union under a county is part of that county.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gonghui.orgs.models import UnionKind, UnionOrg


def county_level_q(prefix: str = "") -> Q:
    """``Q`` selecting county-level unions; ``prefix`` is the lookup path to the union (e.g. ``"union__"``)."""
    return Q(**{f"{prefix}kind": UnionKind.COUNTY}) | Q(
        **{f"{prefix}kind": UnionKind.ZONE, f"{prefix}parent__kind": UnionKind.CITY}
    )


def county_level_unions(root: UnionOrg | None = None) -> QuerySet[UnionOrg]:
    """The active county-level unions (in ``root``'s subtree when given), by path."""
    unions = UnionOrg.objects.filter(county_level_q(), status=UnionOrg.Status.ACTIVE)
    if root is not None:
        unions = unions.filter(path__startswith=root.path)
    return unions.order_by("path")


def is_county_level(union: UnionOrg) -> bool:
    if union.kind == UnionKind.COUNTY:
        return True
    return union.kind == UnionKind.ZONE and union.parent is not None and union.parent.kind == UnionKind.CITY
