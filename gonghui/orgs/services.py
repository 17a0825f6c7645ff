"""State changes of the registry that the dated figures depend on.

``record_workplace_states`` keeps ``WorkplaceState`` — the dated history of a workplace's
indicator-relevant attributes (属地工会, 单位性质, 法人, 职工人数, 职代会 / 厂务公开 / 职工董事 / 职工监事
and their dates) — in step with the workplace rows. Every writer of workplaces calls it in the same
transaction: the edit form, the workplace importer, the demo loader (the bench writes the rows by SQL).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .models import STATE_FIELDS, UnionCoverage, UnionKind, UnionOrg, Workplace, WorkplaceState


def state_values(workplace: Workplace) -> dict:
    return {f: getattr(workplace, f) for f in STATE_FIELDS}


@transaction.atomic
def record_workplace_states(workplaces: Iterable[Workplace], on: dt.date | None = None) -> int:
    """Record the current attributes of the workplaces as valid from ``on`` (default today).

    A workplace without history starts at its 登记日期 (it was registered with these values). A change
    closes the latest state the day before ``on`` and opens a new one; a second change on the same day
    rewrites that day's state. Unchanged workplaces write nothing. Returns the number of states written."""
    on = on or timezone.localdate()
    workplaces = [w for w in workplaces if w.pk is not None]
    latest: dict[int, WorkplaceState] = {}
    for state in WorkplaceState.objects.filter(workplace__in=[w.pk for w in workplaces]).order_by(
        "workplace_id", "valid_from"
    ):
        latest[state.workplace_id] = state  # ordered: the last one per workplace wins
    new: list[WorkplaceState] = []
    written = 0
    for w in workplaces:
        values = state_values(w)
        current = latest.get(w.pk)
        if current is None:
            new.append(WorkplaceState(workplace_id=w.pk, valid_from=w.registered_on, **values))
            continue
        if all(getattr(current, f) == v for f, v in values.items()):
            continue
        start = max(on, current.valid_from)
        if start == current.valid_from:
            for f, v in values.items():
                setattr(current, f, v)
            current.save()
        else:
            current.valid_to = start
            current.save(update_fields=["valid_to"])
            new.append(WorkplaceState(workplace_id=w.pk, valid_from=start, **values))
        written += 1
    WorkplaceState.objects.bulk_create(new, batch_size=1000)
    return written + len(new)


def common_ancestor_name(path_a: str | None, path_b: str, names: dict | None = None) -> str:
    """Name of the lowest union above (or equal to) both materialised paths; "" when there is none.
    ``names`` caches pk → name across many calls (an import asks once per distinct ancestor)."""
    if not path_a:
        return ""
    common = []
    for a, b in zip(path_a.strip("/").split("/"), path_b.strip("/").split("/"), strict=False):
        if a != b:
            break
        common.append(a)
    if not common:
        return ""
    pk = int(common[-1])
    if names is None:
        names = {}
    if pk not in names:
        names[pk] = UnionOrg.objects.filter(pk=pk).values_list("name", flat=True).first() or ""
    return names[pk]


@transaction.atomic
def create_workplace(**fields) -> Workplace:
    """A new workplace with its first dated state (every writer keeps ``WorkplaceState`` in step):
    the one way other apps add a workplace (the unorganised list's 「一键建档」)."""
    workplace = Workplace(**fields)
    workplace.full_clean()
    workplace.save()
    record_workplace_states([workplace])
    return workplace


@transaction.atomic
def cover(union: UnionOrg, workplace: Workplace) -> bool:
    """The union covers the workplace from today (``UnionCoverage``); False when it already did."""
    _link, made = UnionCoverage.objects.get_or_create(unionorg=union, workplace=workplace)
    return made


@transaction.atomic
def found_union(
    workplace: Workplace,
    *,
    parent: UnionOrg,
    founded_on: dt.date | None = None,
    name: str = "",
    kind: str = UnionKind.COMMITTEE,
) -> UnionOrg:
    """A grassroots union founded at a workplace: created under ``parent`` with its founding date and
    the coverage link, so 组建数 (unions founded in the year, ``targets.growth``) and 建会率 (covered
    workplaces, ``targets.indicators``) count it the same day."""
    union = UnionOrg(
        name=name or f"{workplace.name}工会委员会",
        kind=kind,
        parent=parent,
        region=workplace.region,
        founded_on=founded_on or timezone.localdate(),
    )
    union.full_clean()
    union.save()
    cover(union, workplace)
    return union
