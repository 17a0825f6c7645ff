"""入会分配规则 pages for administrators: scoped list, create, edit; reviewers and outsiders kept out."""

import pytest
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.joining.models import RoutingRule
from gonghui.joining.routing import route
from gonghui.orgs.models import UnionKind, UnionOrg
from gonghui.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def jinghu_rule(joinreg):
    """A fallback rule in 镜湖区, outside 鸠江区's subtree."""
    return RoutingRule.objects.create(
        region=joinreg.unions["jinghu"].region, new_form_group=None, union=joinreg.unions["jinghu_street"]
    )


def test_list_shows_only_rules_into_the_admins_subtree(client, joinreg, jinghu_rule, as_user):
    html = as_user("t-jiujiang", client).get(reverse("joining:rule-list")).content.decode()
    assert "入会分配规则" in html and "鸠江区新就业形态劳动者工会联合会" in html
    assert "镜湖区方村街道总工会" not in html
    client.logout()
    html = as_user("t-wuhu", client).get(reverse("joining:rule-list")).content.decode()
    assert "鸠江区新就业形态劳动者工会联合会" in html and "镜湖区方村街道总工会" in html
    assert "兜底接收" in html  # the fallback rule's empty group


def test_reviewer_and_readonly_users_cannot_open_the_rules(client, joinreg, as_user):
    for username in ("t-reviewer", "t-viewer"):
        as_user(username, client)
        assert client.get(reverse("joining:rule-list")).status_code == 403
        assert client.get(reverse("joining:rule-add")).status_code == 403
        client.logout()
    assert client.get(reverse("joining:rule-list")).status_code == 302  # anonymous → login


def test_admin_creates_a_rule_and_routing_follows_at_once(client, joinreg, as_user):
    district = joinreg.unions["jiujiang"].region
    guard = joinreg.groups["security_guard"]
    assert route(group=guard, district=district).union == joinreg.unions["jiujiang"]  # cached: county
    holding = UnionOrg.objects.create(
        name="鸠江区保安行业工会联合会",
        kind=UnionKind.NEW_FORM_FEDERATION,
        parent=joinreg.unions["jiujiang"],
        region=district,
    )
    as_user("t-jiujiang", client)
    resp = client.post(
        reverse("joining:rule-add"),
        {
            "region": district.pk,
            "new_form_group": guard.pk,
            "union": holding.pk,
            "is_active": "on",
            "note": "试点",
        },
    )
    assert resp.status_code == 302 and resp["Location"] == reverse("joining:rule-list")
    rule = RoutingRule.objects.get(new_form_group=guard)
    assert (rule.region, rule.union, rule.note) == (district, holding, "试点")
    assert route(group=guard, district=district).union == holding
    assert AuditEvent.objects.filter(object_type="joining.routingrule", object_id=str(rule.pk)).exists()


def test_admin_cannot_name_a_union_or_district_outside_the_scope(client, joinreg, jinghu_rule, as_user):
    as_user("t-jiujiang", client)
    courier = joinreg.groups["courier"]
    resp = client.post(
        reverse("joining:rule-add"),
        {
            "region": joinreg.unions["jinghu"].region.pk,
            "new_form_group": joinreg.groups["security_guard"].pk,
            "union": joinreg.unions["jinghu_street"].pk,
            "is_active": "on",
        },
    )
    assert resp.status_code == 200 and resp.context["form"].errors.keys() >= {"region", "union"}
    assert not RoutingRule.objects.filter(new_form_group=joinreg.groups["security_guard"]).exists()
    # someone else's rule: the same 404 as a missing one
    assert client.get(reverse("joining:rule-edit", args=[jinghu_rule.pk])).status_code == 404
    assert RoutingRule.objects.filter(new_form_group=courier).count() == 1


def test_district_must_be_county_level_and_rules_unique(client, joinreg, as_user):
    as_user("t-jiujiang", client)
    district = joinreg.unions["jiujiang"].region
    town = Region.objects.create(code="340207001", name="湾里街道", level=Region.Level.TOWN, parent=district)
    data = {
        "new_form_group": joinreg.groups["courier"].pk,
        "union": joinreg.unions["jiujiang"].pk,
        "is_active": "on",
    }
    resp = client.post(reverse("joining:rule-add"), {**data, "region": town.pk})
    assert resp.status_code == 200 and "请选择县级行政区" in resp.content.decode()
    resp = client.post(reverse("joining:rule-add"), {**data, "region": district.pk})
    assert resp.status_code == 200 and "该区县的这一群体已有分配规则" in resp.content.decode()


def test_admin_edits_a_rule_off_and_routing_falls_back(client, joinreg, as_user):
    district = joinreg.unions["jiujiang"].region
    courier = joinreg.groups["courier"]
    rule = RoutingRule.objects.get(region=district, new_form_group=courier)
    assert route(group=courier, district=district).union == joinreg.unions["jiujiang_newform"]
    as_user("t-jiujiang", client)
    page = client.get(reverse("joining:rule-edit", args=[rule.pk]))
    assert page.status_code == 200 and "编辑入会分配规则" in page.content.decode()
    resp = client.post(
        reverse("joining:rule-edit", args=[rule.pk]),
        {"region": district.pk, "new_form_group": courier.pk, "union": rule.union_id, "note": "暂停"},
    )
    assert resp.status_code == 302
    rule.refresh_from_db()
    assert not rule.is_active and rule.note == "暂停"
    assert route(group=courier, district=district).union == joinreg.unions["jiujiang"]


def test_queue_links_to_the_rules_for_admins_only(client, joinreg, as_user):
    assert "rules-link" in as_user("t-jiujiang", client).get(reverse("joining:queue")).content.decode()
    client.logout()
    assert "rules-link" not in as_user("t-reviewer", client).get(reverse("joining:queue")).content.decode()
