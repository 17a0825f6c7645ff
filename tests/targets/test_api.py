"""The targets API: plans (list, detail with progress rows) and indicators by sub-unit, scoped to the
caller like the pages; the numbers are the ones the plan page and the indicator page compute."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from gonghui.targets import indicators, progress
from gonghui.targets.services import save_plan, seed_reference, snapshot
from tests.targets.conftest_helpers import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(registry):
    return make_plan(registry)


@pytest.fixture
def county_plan(registry):
    u = registry.unions
    return save_plan(
        issuer=u["jiujiang"], year=2023, title="鸠江区2023年目标", rows=[(u["jiujiang_b"], {"members": 10})]
    )


def bearer(username: str) -> Client:
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_token", username, "测试", stdout=out, stderr=err)
    return Client(HTTP_AUTHORIZATION=f"Bearer {out.getvalue().strip()}")


def test_plan_list_is_scoped_and_filters_by_year(plan, county_plan, registry, as_user):
    wuhu = as_user("wuhu", Client()).get("/api/v1/target-plans").json()
    assert {p["title"] for p in wuhu["items"]} == {plan.title, county_plan.title}
    listed = next(p for p in wuhu["items"] if p["id"] == plan.pk)
    assert listed["issuer_name"] == "芜湖市总工会" and listed["year"] == 2023
    assert listed["metrics"] == ["founded", "members", "migrant", "new_form"]
    # 镜湖区 is a ranked row of the city's plan (it sees it), not of 鸠江区's own plan.
    jinghu = bearer("t-jinghu").get("/api/v1/target-plans").json()
    assert [p["id"] for p in jinghu["items"]] == [plan.pk]
    assert as_user("wuhu", Client()).get("/api/v1/target-plans?year=2024").json()["items"] == []
    page = as_user("wuhu", Client()).get("/api/v1/target-plans?limit=1").json()
    assert len(page["items"]) == 1 and page["has_more"] is True


def test_plan_detail_has_the_progress_rows_of_the_plan_page(plan, registry, as_user):
    body = as_user("wuhu", Client()).get(f"/api/v1/target-plans/{plan.pk}?as_of=2023-06-30").json()
    expected = progress.compute(plan, dt.date(2023, 6, 30))
    assert body["as_of"] == "2023-06-30" and body["elapsed_pct"] == 49.6 == expected["elapsed_pct"]
    assert [m["code"] for m in body["metric_list"]] == ["founded", "members", "migrant", "new_form"]
    assert [r["name"] for r in body["rows"]] == ["镜湖区总工会", "鸠江区总工会"]
    for got, want in zip(body["rows"], expected["rows"], strict=True):
        assert got["union_id"] == want["union_id"] and got["rank"] == want["rank"]
        assert got["score"] == want["score"] and got["light"] == want["light"]
        for code, cell in want["cells"].items():
            assert got["cells"][code]["target"] == cell["target"]
            assert got["cells"][code]["actual"] == cell["actual"]
            assert got["cells"][code]["pct"] == cell["pct"]
            assert got["cells"][code]["gap"] == cell["gap"]
    # The factory registry: 2 members joined in each county on 2023-03-01; 鸠江's joint union founded
    # 2023-02-01.
    jiujiang = body["rows"][1]
    assert jiujiang["cells"]["members"] == {**jiujiang["cells"]["members"], "target": 4, "actual": 2}
    assert jiujiang["cells"]["founded"]["actual"] == 1
    assert body["total"]["cells"]["members"]["actual"] == 4
    assert body["total"]["cells"]["members"]["target"] == 8


def test_plan_detail_reads_the_frozen_snapshot(plan, registry, as_user):
    frozen = snapshot(plan, dt.date(2023, 6, 30))
    body = as_user("wuhu", Client()).get(f"/api/v1/target-plans/{plan.pk}?as_of=2023-06-30").json()
    assert body["snapshot_at"] == frozen.created_at.isoformat()


def test_county_gets_peer_totals_of_the_city_plan_but_not_another_countys_plan(
    plan, county_plan, registry, as_user
):
    jinghu = as_user("jinghu", Client())
    body = jinghu.get(f"/api/v1/target-plans/{plan.pk}?as_of=2023-12-31")
    assert body.status_code == 200
    text = json.dumps(body.json(), ensure_ascii=False)
    assert "鸠江区总工会" in text  # the ranking of its peers …
    assert "王鸠一" not in text and "赵鸠二" not in text  # … never their members
    assert jinghu.get(f"/api/v1/target-plans/{county_plan.pk}").status_code == 404
    assert as_user("jiujiang", Client()).get(f"/api/v1/target-plans/{county_plan.pk}").status_code == 200
    assert Client().get(f"/api/v1/target-plans/{plan.pk}").status_code == 401
    assert Client().get("/api/v1/target-plans").status_code == 401


def test_indicators_by_sub_unit_are_scoped(registry, as_user):
    seed_reference()
    u = registry.unions
    wuhu = as_user("wuhu", Client()).get(f"/api/v1/unions/{u['wuhu'].pk}/indicators?as_of=2023-09-30").json()
    expected = indicators.compute(u["wuhu"], dt.date(2023, 9, 30))
    assert wuhu["node"] == "芜湖市总工会" and wuhu["stored"] is False
    got = {i["code"]: i for i in wuhu["indicators"]}
    assert set(got) == set(indicators.DEFINITIONS)
    legal = got["legal_entity_coverage"]
    jiujiang = next(r for r in legal["rows"] if r["name"] == "鸠江区总工会")
    assert (jiujiang["num"], jiujiang["den"], jiujiang["rate"]) == (4, 5, 80.0)  # joint union: 3 shops
    assert (legal["total"]["num"], legal["total"]["den"]) == (5, 6)
    assert legal["threshold"] == 80.0 and "联合基层工会" in legal["note"]
    assert [i["total"] for i in wuhu["indicators"]] == [i["total"] for i in expected["indicators"]]

    jinghu = as_user("jinghu", Client())
    own = jinghu.get("/api/v1/indicators").json()
    assert own["node_id"] == u["jinghu"].pk
    names = {r["name"] for i in own["indicators"] for r in i["rows"]}
    assert names == {"镜湖区方村街道总工会"}
    assert jinghu.get(f"/api/v1/unions/{u['jiujiang'].pk}/indicators").status_code == 404
    assert jinghu.get(f"/api/v1/unions/{u['wuhu'].pk}/indicators").status_code == 404


def test_indicators_without_a_date_use_the_stored_daily_figures(registry, as_user):
    seed_reference()
    u = registry.unions
    client = as_user("wuhu", Client())
    live = client.get(f"/api/v1/unions/{u['wuhu'].pk}/indicators").json()
    assert live["stored"] is False and live["computed_at"] is None
    indicators.refresh_results(nodes=[u["wuhu"]])
    stored = client.get(f"/api/v1/unions/{u['wuhu'].pk}/indicators").json()
    assert stored["stored"] is True and stored["computed_at"]
    assert [i["total"] for i in stored["indicators"]] == [i["total"] for i in live["indicators"]]
