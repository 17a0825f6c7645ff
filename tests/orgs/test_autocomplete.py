"""Scoped autocomplete for the big foreign keys: the endpoint, the widget and server-side validation."""

import re

import pytest
from django.contrib.staticfiles import finders

from gonghui.orgs.models import UnionKind, UnionOrg, Workplace

pytestmark = pytest.mark.django_db


def _names(client, source, q=""):
    response = client.get("/autocomplete/", {"source": source, "q": q})
    assert response.status_code == 200
    return [r["text"] for r in response.json()["results"]]


def test_endpoint_is_scoped_and_matches_by_prefix(client, registry, as_user):
    as_user("t-jinghu", client)
    assert set(_names(client, "unions")) == {"镜湖区总工会", "镜湖区方村街道总工会", "镜湖甲公司工会委员会"}
    assert _names(client, "unions", "鸠江") == []
    assert _names(client, "unions", "镜湖甲") == ["镜湖甲公司工会委员会"]
    assert _names(client, "federations") == ["镜湖区总工会", "镜湖区方村街道总工会"]
    assert [n.split("（")[0] for n in _names(client, "workplaces")] == ["镜湖甲公司"]
    assert _names(client, "workplaces", "鸠江") == []
    assert all("3402" in n for n in _names(client, "regions"))
    client.logout()
    as_user("t-wuhu", client)
    assert "鸠江乙公司工会委员会" in _names(client, "unions", "鸠江")


def test_endpoint_returns_at_most_20_and_says_there_are_more(client, registry, as_user):
    street = registry.unions["jinghu_street"]
    for i in range(25):
        UnionOrg.objects.create(
            name=f"镜湖测试{i:02d}工会", kind=UnionKind.COMMITTEE, parent=street, region=street.region
        )
    as_user("t-jinghu", client)
    data = client.get("/autocomplete/", {"source": "unions", "q": "镜湖测试"}).json()
    assert len(data["results"]) == 20 and data["more"] is True
    assert data["results"][0]["text"] == "镜湖测试00工会"
    assert client.get("/autocomplete/", {"source": "unions", "q": "镜湖测试2"}).json()["more"] is False


def test_endpoint_refuses_unknown_source_and_anonymous(client, registry, as_user):
    assert client.get("/autocomplete/?source=unions").status_code == 302
    as_user("t-jinghu", client)
    assert client.get("/autocomplete/?source=users").status_code == 400


def test_forms_render_no_option_lists_only_the_chosen_value(client, registry, as_user):
    # Enough unions and workplaces that a plain <select> would be obvious.
    city = registry.unions["wuhu"]
    for i in range(30):
        UnionOrg.objects.create(
            name=f"芜湖批量{i}工会", kind=UnionKind.COMMITTEE, parent=city, region=city.region
        )
        Workplace.objects.create(name=f"芜湖批量{i}公司", region=city.region, governing_union=city)
    as_user("t-wuhu", client)
    for url in ("/members/add/", "/orgs/workplaces/add/", "/orgs/unions/add/"):
        body = client.get(url).content.decode()
        assert "data-autocomplete-url" in body, url
        assert "芜湖批量" not in body, url
        assert len(re.findall(r"<option", body)) < 40, url
    union = registry.unions["jiujiang_joint"]
    body = client.get(f"/orgs/unions/{union.pk}/edit/").content.decode()
    # The chosen parent and covered workplaces are rendered as selected options, nothing else.
    assert re.search(rf'<option value="{union.parent_id}" selected>鸠江区总工会</option>', body)
    assert body.count("鸠江小微") >= 3 and "镜湖甲公司" not in body
    member = registry.members["jiujiang_1"]
    body = client.get(f"/members/{member.pk}/transfer/").content.decode()
    assert 'name="to_union"' in body and "data-autocomplete-url" in body


def test_pk_outside_scope_is_a_form_error(client, registry, as_user):
    as_user("t-jinghu", client)
    jiujiang = registry.unions["jiujiang"]
    response = client.post(
        "/orgs/unions/add/",
        {
            "name": "越权工会",
            "kind": "committee",
            "parent": jiujiang.pk,
            "region": jiujiang.region_id,
            "status": "active",
        },
    )
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert not UnionOrg.objects.filter(name="越权工会").exists()
    response = client.post(
        "/orgs/workplaces/add/",
        {
            "name": "越权单位",
            "ownership": "private",
            "industry": "C",
            "employee_count": 5,
            "region": registry.unions["jinghu"].region_id,
            "governing_union": jiujiang.pk,
        },
    )
    assert "选择一个有效的选项" in response.content.decode()
    assert not Workplace.objects.filter(name="越权单位").exists()


def test_pk_inside_scope_saves(client, registry, as_user):
    as_user("t-jinghu", client)
    street = registry.unions["jinghu_street"]
    workplace = registry.workplaces["jinghu_a"]
    response = client.post(
        "/orgs/unions/add/",
        {
            "name": "镜湖新联合工会",
            "kind": "joint",
            "parent": street.pk,
            "region": street.region_id,
            "status": "active",
            "workplaces": [workplace.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = UnionOrg.objects.get(name="镜湖新联合工会")
    assert created.parent == street and list(created.workplaces.all()) == [workplace]


def test_tom_select_is_served_locally():
    assert finders.find("vendor/tom-select/js/tom-select.complete.min.js")
    assert finders.find("vendor/tom-select/css/tom-select.bootstrap5.min.css")
