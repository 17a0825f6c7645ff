"""A union that passes every automatic criterion (for the honours tests): a committee of 鸠江区 covering
one workplace of 4 employees with 职代会 and 厂务公开 since 2020, 4 members since 2023-03-01, a term
running to 2027."""

from __future__ import annotations

import datetime as dt

from gonghui.orgs.models import Ownership, UnionKind, UnionOrg, Workplace
from gonghui.orgs.services import record_workplace_states
from tests.factories import REGISTERED, Registry, make_id, make_uscc

MEMBERS_SINCE = dt.date(2023, 3, 1)


def add_model_union(reg: Registry, key: str = "model", county: str = "jiujiang", seed: int = 50) -> UnionOrg:
    parent = reg.unions[county]
    workplace = Workplace.objects.create(
        name=f"模范{seed}号公司",
        uscc=make_uscc(seed, parent.region.code),
        employee_count=4,
        ownership=Ownership.PRIVATE,
        region=parent.region,
        governing_union=parent,
        registered_on=REGISTERED,
        has_workers_congress=True,
        workers_congress_since=dt.date(2020, 1, 1),
        has_open_affairs=True,
        open_affairs_since=dt.date(2020, 1, 1),
    )
    record_workplace_states([workplace])
    union = UnionOrg.objects.create(
        name=f"模范{seed}号公司工会委员会",
        kind=UnionKind.COMMITTEE,
        parent=parent,
        region=parent.region,
        founded_on=dt.date(2019, 5, 1),
        term_start=dt.date(2022, 5, 1),
        term_years=5,
    )
    union.workplaces.set([workplace])
    reg.unions[key] = union
    reg.workplaces[key] = workplace
    for i in range(4):
        reg.join(f"{key}_{i}", key, f"模范{i}", make_id(parent.region.code, dt.date(1990, 1, 1), seed + i))
    return union
