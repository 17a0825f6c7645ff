import datetime as dt
import io

import pytest

from gonghui.targets.models import TargetPlan
from gonghui.targets.services import save_plan
from tests.targets.conftest_helpers import make_plan
from tests.targets.helpers import complete_wuhu, table_xlsx


@pytest.fixture
def plan(registry):
    return make_plan(registry)


def test_plan_page_shows_rows_total_and_links(client, plan, registry, as_user):
    as_user("wuhu", client)
    page = client.get(f"/targets/{plan.pk}/?as_of=2023-06-30").content.decode()
    assert "镜湖区总工会" in page and "鸠江区总工会" in page and "合计" in page
    assert "时间进度 <strong>49.6%" in page
    for key in ("jinghu", "jiujiang"):
        assert f"/targets/{plan.pk}/drill/{registry.unions[key].pk}/members/" in page


def test_county_sees_own_row_drill_down_and_nothing_of_another_county(client, plan, registry, as_user):
    u = registry.unions
    as_user("jinghu", client)
    page = client.get(f"/targets/{plan.pk}/?as_of=2023-06-30").content.decode()
    assert "鸠江区总工会" in page  # the peers' ranking is visible …
    assert f"/drill/{u['jinghu'].pk}/members/" in page
    assert f"/drill/{u['jiujiang'].pk}/" not in page  # … but not as links to their lists
    own = client.get(f"/targets/{plan.pk}/drill/{u['jinghu'].pk}/members/?as_of=2023-06-30")
    assert own.status_code == 200
    body = own.content.decode()
    assert "张镜一" in body and "李镜二" in body and "王鸠一" not in body
    assert "340202********" in body and "19900101" not in body  # masked IDs only
    other = client.get(f"/targets/{plan.pk}/drill/{u['jiujiang'].pk}/members/?as_of=2023-06-30")
    assert other.status_code == 404
    founded = client.get(f"/targets/{plan.pk}/drill/{u['jiujiang'].pk}/founded/")
    assert founded.status_code == 404


def test_drill_lists_founded_unions(client, plan, registry, as_user):
    as_user("wuhu", client)
    body = client.get(
        f"/targets/{plan.pk}/drill/{registry.unions['jiujiang'].pk}/founded/?as_of=2023-12-31"
    ).content.decode()
    assert "鸠江小微企业联合工会委员会" in body and "鸠江乙公司工会委员会" not in body


def test_plan_of_another_county_is_404(client, registry, as_user):
    u = registry.unions
    county_plan = save_plan(
        issuer=u["jiujiang"], year=2023, title="鸠江区2023年目标", rows=[(u["jiujiang_b"], {"members": 10})]
    )
    as_user("jinghu", client)
    assert client.get(f"/targets/{county_plan.pk}/").status_code == 404
    assert county_plan not in TargetPlan.objects.visible_to(registry.users["jinghu"])
    assert county_plan in TargetPlan.objects.visible_to(registry.users["jiujiang"])


def test_upload_page_imports_and_refuses(client, registry, as_user):
    complete_wuhu(registry)
    as_user("wuhu", client)
    bad = io.BytesIO(table_xlsx(total=(370, 21500, 21000, 10000)))
    bad.name = "目标.xlsx"
    response = client.post(
        "/targets/upload/", {"issuer": registry.unions["wuhu"].pk, "year": 2023, "file": bad}
    )
    assert response.status_code == 200 and "「其中农民工会员数」列" in response.content.decode()
    good = io.BytesIO(table_xlsx())
    good.name = "目标.xlsx"
    response = client.post(
        "/targets/upload/",
        {"issuer": registry.unions["wuhu"].pk, "year": 2023, "doc_number": "芜工发[2023]1号", "file": good},
    )
    plan = TargetPlan.objects.get()
    assert response.status_code == 302 and plan.doc_number == "芜工发〔2023〕1号"
    assert plan.items.count() == 40


def test_hand_entry_and_viewer_cannot_edit(client, registry, as_user):
    from gonghui.targets.services import seed_reference

    seed_reference()
    u = registry.unions
    as_user("viewer", client)
    assert client.get("/targets/entry/").status_code == 403
    client.logout()
    as_user("wuhu", client)
    form = client.get(f"/targets/entry/?issuer={u['wuhu'].pk}&year=2024").content.decode()
    assert f"t_{u['jinghu'].pk}_members" in form
    response = client.post(
        "/targets/entry/",
        {
            "issuer": u["wuhu"].pk,
            "year": 2024,
            "title": "",
            f"t_{u['jinghu'].pk}_members": "30",
            f"t_{u['jiujiang'].pk}_founded": "5",
        },
    )
    assert response.status_code == 302
    plan = TargetPlan.objects.get(year=2024)
    assert {(i.union_id, i.metric.code, i.target) for i in plan.items.all()} == {
        (u["jinghu"].pk, "members", 30),
        (u["jiujiang"].pk, "founded", 5),
    }


def test_indicator_and_dashboard_pages(client, plan, registry, as_user):
    as_user("wuhu", client)
    page = client.get("/targets/indicators/").content.decode()
    assert "法人单位建会率" in page and "口径一" in page and "达标线 90%" in page
    dash = client.get(f"/reports/?plan={plan.pk}&as_of={dt.date(2023, 6, 30)}")
    assert dash.status_code == 200
    body = dash.content.decode()
    assert "vendor/echarts/echarts.min.js" in body and "进度最落后的五个单位" in body
    as_user("jinghu", client)
    assert client.get(f"/reports/?node={registry.unions['jiujiang'].pk}").status_code == 404


def test_total_row_drill_covers_all_rows_and_is_not_open_to_a_county(client, plan, registry, as_user):
    u = registry.unions
    as_user("wuhu", client)
    page = client.get(f"/targets/{plan.pk}/?as_of=2023-06-30").content.decode()
    assert f"/targets/{plan.pk}/drill/{u['wuhu'].pk}/members/" in page
    body = client.get(f"/targets/{plan.pk}/drill/{u['wuhu'].pk}/members/?as_of=2023-06-30").content.decode()
    assert "张镜一" in body and "王鸠一" in body and "合计" in body
    client.logout()
    as_user("jinghu", client)
    assert client.get(f"/targets/{plan.pk}/drill/{u['wuhu'].pk}/members/").status_code == 404


def test_indicator_bars_share_one_scale_with_the_threshold():
    from gonghui.targets.indicators import scale_bars

    figures = {
        "indicators": [
            {"per": 100, "threshold": 90.0, "rows": [{"rate": 45.0}, {"rate": 120.0}, {"rate": None}]},
            {"per": 10000, "threshold": 4.0, "rows": [{"rate": 2.0}, {"rate": 8.0}]},
            {"per": 10000, "threshold": 4.0, "rows": [{"rate": 1.0}]},
        ]
    }
    percent, wide, narrow = scale_bars(figures)["indicators"]
    assert [r["bar"] for r in percent["rows"]] == [45.0, 100.0, None] and percent["threshold_bar"] == 90.0
    # per 10,000: the largest rate (8) is the full width, the threshold line at 4 sits half-way
    assert [r["bar"] for r in wide["rows"]] == [25.0, 100.0] and wide["threshold_bar"] == 50.0
    # all below the threshold: the scale runs a quarter past it (5), never a bar past the line's scale
    assert narrow["rows"][0]["bar"] == 20.0 and narrow["threshold_bar"] == 80.0
