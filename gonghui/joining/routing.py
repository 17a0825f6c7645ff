"""Which union receives an application: rules as data (RoutingRule), tested one by one.

1. The employer has an active union covering it → that union (the grassroots union of the workplace).
2. Otherwise the holding union configured for (new-form group, district) → e.g. 鸠江区新就业形态劳动者工会联合会.
3. Otherwise the district's fallback rule (兜底, group left empty) → any union an administrator names,
   development-zone unions included.
4. Otherwise the county-level union (县/市/区总工会) of the district.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from django.db import transaction

from gonghui.members.models import NewFormGroup
from gonghui.orgs.models import UnionKind, UnionOrg, Workplace
from gonghui.regions.models import Region

from . import sharedcache
from .models import RoutingRule


class NoRoute(Exception):
    """No union can receive the application; ``str(exc)`` is the Chinese reason."""


@dataclass
class Route:
    union: UnionOrg
    reason: str


def county_of(region: Region) -> Region:
    """Towns belong to their county: routing works per county-level division."""
    node = region
    while node is not None and node.level not in (
        Region.Level.COUNTY,
        Region.Level.CITY,
        Region.Level.PROVINCE,
    ):
        node = node.parent
    return node or region


def route(
    workplace: Workplace | None = None,
    group: NewFormGroup | None = None,
    district: Region | None = None,
) -> Route:
    if workplace is not None:
        covering = workplace.unions.filter(status=UnionOrg.Status.ACTIVE).order_by("-depth", "pk").first()
        if covering is not None:
            return Route(covering, f"工作单位「{workplace.name}」已建会")
        district = district or workplace.region
    if district is None:
        raise NoRoute("请选择工作单位，或选择工作或居住的区县")
    return _district_route(group, county_of(district))


# Routes by (county, group) are kept in each process: every public submission asks, and rules change a
# few times a year. Saving or deleting a rule or a union (signals in apps.py) calls invalidate(), which
# empties this process's table and changes a generation token in Django's cache. Other processes read
# that token at most once every GENERATION_CHECK_SECONDS (a round trip to Redis per submission would cost
# more than the routing query it saves), so with a shared cache they follow within a second; with a
# per-process cache (demo, tests) within ROUTE_CACHE_SECONDS.
ROUTE_CACHE_SECONDS = 60
GENERATION_CHECK_SECONDS = 1.0
GENERATION_KEY = "gh-join-routing-generation"
_ROUTES: dict[tuple[int, int | None], tuple[float, object, Route]] = {}
_generation: list = [0.0, None]  # [next check (monotonic), token last read]


def _current_generation(now: float) -> object:
    if now >= _generation[0]:
        _generation[:] = [now + GENERATION_CHECK_SECONDS, sharedcache.get(GENERATION_KEY)]
    return _generation[1]


def clear_local() -> None:
    """Forget this process's routes and token (tests; a process that must re-read at once)."""
    _ROUTES.clear()
    _generation[:] = [0.0, None]


def _forget() -> None:
    clear_local()
    sharedcache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def invalidate(**_signal_kwargs) -> None:
    _forget()
    # Again once the change is committed: a submission between the save and the commit may have cached
    # the old rows.
    transaction.on_commit(_forget)


def _district_route(group: NewFormGroup | None, district: Region) -> Route:
    key = (district.pk, group.pk if group is not None else None)
    now = time.monotonic()
    generation = _current_generation(now)
    hit = _ROUTES.get(key)
    if hit is not None and hit[0] > now and hit[1] == generation:
        return hit[2]
    found = _route_by_rules(group, district)  # NoRoute is not cached: the next rule saved may fix it
    _ROUTES[key] = (now + ROUTE_CACHE_SECONDS, generation, found)
    return found


def _route_by_rules(group: NewFormGroup | None, district: Region) -> Route:
    rules = {
        rule.new_form_group_id: rule
        for rule in RoutingRule.objects.select_related("union").filter(
            region=district, is_active=True, union__status=UnionOrg.Status.ACTIVE
        )
    }
    if group is not None and group.pk in rules:
        return Route(rules[group.pk].union, f"分配规则：{district.name} · {group.name}")
    if None in rules:
        return Route(rules[None].union, f"分配规则：{district.name} · 兜底接收")
    county = (
        UnionOrg.objects.filter(region=district, kind=UnionKind.COUNTY, status=UnionOrg.Status.ACTIVE)
        .order_by("depth", "pk")
        .first()
    )
    if county is None:
        raise NoRoute(f"{district.name}暂无可受理入会申请的工会，请联系当地工会")
    return Route(county, f"未配置分配规则，由{district.name}县级工会兜底")
