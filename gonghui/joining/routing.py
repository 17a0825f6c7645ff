"""Which union receives an application: rules as data (RoutingRule), tested one by one.

1. The employer has an active union covering it → that union (the grassroots union of the workplace).
2. Otherwise the holding union configured for (new-form group, district) → e.g. 鸠江区新就业形态劳动者工会联合会.
3. Otherwise the district's fallback rule (兜底, group left empty) → any union an administrator names,
   development-zone unions included.
4. Otherwise the county-level union (县/市/区总工会) of the district.
"""

from __future__ import annotations

from dataclasses import dataclass

from gonghui.members.models import NewFormGroup
from gonghui.orgs.models import UnionKind, UnionOrg, Workplace
from gonghui.regions.models import Region

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
    district = county_of(district)
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
