"""Every routing rule: employer's union, group + district holding union, district fallback, county."""

import pytest
from django.db import IntegrityError

from gonghui.joining.models import RoutingRule
from gonghui.joining.routing import NoRoute, route
from gonghui.orgs.models import UnionKind, UnionOrg
from gonghui.regions.models import Region

pytestmark = pytest.mark.django_db


def test_employer_with_own_union_goes_to_that_union(joinreg):
    r = route(workplace=joinreg.workplaces["jiujiang_b"], group=joinreg.groups["courier"])
    assert r.union == joinreg.unions["jiujiang_b"]
    assert "已建会" in r.reason


def test_employer_covered_by_joint_union_goes_to_the_joint_union(joinreg):
    assert route(workplace=joinreg.workplaces["jiujiang_small1"]).union == joinreg.unions["jiujiang_joint"]


def test_employer_whose_union_was_revoked_is_treated_as_unorganised(joinreg):
    union = joinreg.unions["jiujiang_b"]
    union.status = UnionOrg.Status.REVOKED
    union.save()
    r = route(workplace=joinreg.workplaces["jiujiang_b"])
    assert r.union == joinreg.unions["jiujiang"]  # the county of the workplace's region


def test_unorganised_employer_with_group_goes_to_the_group_holding_union(joinreg):
    r = route(workplace=joinreg.workplaces["jiujiang_none"], group=joinreg.groups["courier"])
    assert r.union == joinreg.unions["jiujiang_newform"]


def test_group_and_district_rule(joinreg):
    district = joinreg.unions["jiujiang"].region
    r = route(group=joinreg.groups["courier"], district=district)
    assert r.union == joinreg.unions["jiujiang_newform"]
    assert "快递员" in r.reason


def test_group_without_rule_falls_to_district_fallback_rule_a_zone_union(joinreg):
    district = joinreg.unions["jiujiang"].region
    RoutingRule.objects.create(region=district, new_form_group=None, union=joinreg.unions["zone"])
    r = route(group=joinreg.groups["truck_driver"], district=district)
    assert r.union == joinreg.unions["zone"]
    assert r.union.kind == UnionKind.ZONE
    # the group rule still wins for its own group
    assert (
        route(group=joinreg.groups["courier"], district=district).union == joinreg.unions["jiujiang_newform"]
    )


def test_no_rule_falls_to_the_county_level_union(joinreg):
    r = route(group=joinreg.groups["truck_driver"], district=joinreg.unions["jinghu"].region)
    assert r.union == joinreg.unions["jinghu"]
    assert "兜底" in r.reason


def test_inactive_rule_and_revoked_target_are_skipped(joinreg):
    district = joinreg.unions["jiujiang"].region
    rule = RoutingRule.objects.get(region=district, new_form_group=joinreg.groups["courier"])
    rule.is_active = False
    rule.save()
    assert route(group=joinreg.groups["courier"], district=district).union == joinreg.unions["jiujiang"]
    rule.is_active = True
    rule.save()
    newform = joinreg.unions["jiujiang_newform"]
    newform.status = UnionOrg.Status.REVOKED
    newform.save()
    assert route(group=joinreg.groups["courier"], district=district).union == joinreg.unions["jiujiang"]


def test_town_is_routed_by_its_county(joinreg):
    county = joinreg.unions["jiujiang"].region
    town = Region.objects.create(code="340207001", name="湾里街道", level=Region.Level.TOWN, parent=county)
    assert route(group=joinreg.groups["courier"], district=town).union == joinreg.unions["jiujiang_newform"]


def test_district_without_any_union_is_refused_with_reason(joinreg):
    district = Region.objects.get(code="340102")  # 合肥 瑶海区: no county union in the test registry
    with pytest.raises(NoRoute, match="瑶海区"):
        route(group=joinreg.groups["courier"], district=district)


def test_nothing_chosen_is_refused(joinreg):
    with pytest.raises(NoRoute):
        route()


def test_one_rule_per_group_and_district_and_one_fallback(joinreg):
    district = joinreg.unions["jiujiang"].region
    with pytest.raises(IntegrityError):
        RoutingRule.objects.create(
            region=district, new_form_group=joinreg.groups["courier"], union=joinreg.unions["zone"]
        )


def test_one_fallback_per_district(joinreg):
    district = joinreg.unions["jiujiang"].region
    RoutingRule.objects.create(region=district, union=joinreg.unions["zone"])
    with pytest.raises(IntegrityError):
        RoutingRule.objects.create(region=district, union=joinreg.unions["jiujiang"])
