import datetime as dt

import pytest
from django.db.models import Max

from gonghui.members import services as members
from gonghui.members.models import ChangeReason, MembershipEvent
from gonghui.orgs.models import UnionKind, UnionOrg
from gonghui.targets import cube, progress
from gonghui.targets.growth import live_growth, unions_founded
from gonghui.targets.services import save_plan, seed_reference
from tests.factories import make_id


@pytest.fixture
def plan(registry):
    seed_reference()
    u = registry.unions
    return save_plan(
        issuer=u["wuhu"],
        year=2023,
        title="芜湖市总工会2023年净增目标",
        rows=[
            (u["jinghu"], {"founded": 2, "members": 4, "migrant": 2, "new_form": 1}),
            (u["jiujiang"], {"founded": 2, "members": 4, "migrant": 2, "new_form": 1}),
        ],
    )


def paths(reg, *keys):
    return [reg.unions[k].path for k in keys]


def test_net_growth_counts_joins_exits_and_transfers_within_the_year(registry):
    u = registry.unions
    # Factory members joined 2023-03-01: 2 in 镜湖, 2 in 鸠江 (one migrant in 镜湖, one courier in 鸠江).
    registry.join(
        "old", "jinghu_a", "钱往年", make_id("340202", dt.date(1980, 1, 1), 55), date=dt.date(2022, 12, 31)
    )
    members.leave(registry.members["jinghu_1"], dt.date(2023, 6, 1), ChangeReason.VOLUNTARY)
    members.transfer(registry.members["jinghu_2"], u["jiujiang_b"], dt.date(2023, 7, 1))
    members.leave(registry.members["jiujiang_1"], dt.date(2024, 1, 2), ChangeReason.VOLUNTARY)  # next year
    year = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    g = live_growth(paths(registry, "jinghu", "jiujiang", "wuhu"), *year)
    jinghu, jiujiang, wuhu = (g[p] for p in paths(registry, "jinghu", "jiujiang", "wuhu"))
    assert jinghu == {
        "joined": 2,
        "transferred_in": 0,
        "transferred_out": 1,
        "left": 1,
        "net": 0,
        "net_migrant": 0,
        "net_new_form": 0,
    }  # 2 joins − 1 exit − 1 transfer out; the 2022 join is outside the year
    assert jiujiang["net"] == 3 and jiujiang["transferred_in"] == 1 and jiujiang["net_migrant"] == 1
    assert jiujiang["net_new_form"] == 1
    # The transfer between two counties does not change the city.
    assert wuhu["net"] == 3 and wuhu["transferred_in"] == 1 and wuhu["transferred_out"] == 1
    # The same through the members app's own function.
    assert members.net_growth(u["wuhu"], *year).net == 3


def test_unions_founded_in_year_minus_those_dissolved_by_the_date(registry):
    u = registry.unions
    late = UnionOrg.objects.create(
        name="鸠江丙公司工会",
        kind=UnionKind.COMMITTEE,
        parent=u["jiujiang"],
        region=u["jiujiang"].region,
        founded_on=dt.date(2023, 8, 1),
        status=UnionOrg.Status.REVOKED,
        status_changed_on=dt.date(2023, 10, 1),
    )
    assert late.pk
    p = u["jiujiang"].path
    assert unions_founded([p], dt.date(2023, 1, 1), dt.date(2023, 12, 31))[p] == 1  # joint union only
    assert unions_founded([p], dt.date(2023, 1, 1), dt.date(2023, 9, 30))[p] == 2  # still there on 30 Sep
    assert (
        unions_founded([u["jinghu"].path], dt.date(2023, 1, 1), dt.date(2023, 12, 31))[u["jinghu"].path] == 0
    )


def test_plan_progress_rows_total_ranking_and_forecast(plan, registry):
    figures = progress.compute(plan, dt.date(2023, 6, 30))
    assert figures["elapsed_pct"] == round(181 / 365 * 100, 1)
    rows = {r["name"]: r for r in figures["rows"]}
    jiujiang = rows["鸠江区总工会"]["cells"]
    assert jiujiang["members"]["actual"] == 2 and jiujiang["members"]["pct"] == 50.0
    assert jiujiang["members"]["gap"] == 2
    assert jiujiang["founded"]["actual"] == 1
    assert jiujiang["new_form"]["actual"] == 1 and jiujiang["new_form"]["light"] == "ahead"
    # Forecast: 2 members in 181 days → 4 by year end (2 ÷ 181/365 = 4.03).
    assert jiujiang["members"]["forecast"] == 4 and jiujiang["members"]["will_miss"] is False
    jinghu = rows["镜湖区总工会"]["cells"]
    assert jinghu["founded"]["actual"] == 0 and jinghu["founded"]["light"] == "behind"
    assert jinghu["founded"]["will_miss"] is True and jinghu["founded"]["shortfall"] == 2
    assert figures["total"]["cells"]["members"]["target"] == 8
    assert figures["total"]["cells"]["members"]["actual"] == 4
    assert figures["ranking"][0] == registry.unions["jiujiang"].pk
    assert rows["鸠江区总工会"]["rank"] == 1 and rows["镜湖区总工会"]["rank"] == 2
    assert any(w["code"] == "founded" for w in rows["镜湖区总工会"]["will_miss"])


def test_elapsed_and_lights():
    assert progress.elapsed_fraction(2023, dt.date(2022, 12, 1)) == 0
    assert progress.elapsed_fraction(2023, dt.date(2024, 3, 1)) == 1
    assert progress.light_for(0.5, 0.5) == "on_pace"
    assert progress.light_for(0.6, 0.5) == "ahead"
    assert progress.light_for(0.44, 0.5) == "behind"


def test_cube_plus_tail_equals_live_and_falls_back_after_a_move(plan, registry):
    u = registry.unions
    members.leave(registry.members["jinghu_1"], dt.date(2023, 6, 1), ChangeReason.VOLUNTARY)
    p = paths(
        registry, "jinghu", "jiujiang", "wuhu", "province", "jinghu_a"
    )  # jinghu_a: deeper than the cube
    year = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    live = live_growth(p, *year)
    assert cube.refresh()["events_added"] > 0
    state = cube.current_state()
    assert state is not None
    assert cube.cube_growth(p, *year, state) == live
    # New events after the refresh are the live tail: still exact without a refresh.
    members.transfer(registry.members["jinghu_2"], u["jiujiang_b"], dt.date(2023, 7, 1))
    live = live_growth(p, *year)
    assert cube.cube_growth(p, *year, cube.current_state()) == live
    assert cube.monthly(u["wuhu"].path, *year)["2023-06"] == -1
    # Moving a union invalidates the cube until the next refresh rebuilds it.
    u["jiujiang_joint"].parent = u["jinghu"]
    u["jiujiang_joint"].save()
    assert cube.current_state() is None
    assert cube.growth(p, *year) == live_growth(p, *year)
    assert cube.refresh()["rebuilt"] == 1
    assert cube.cube_growth(p, *year, cube.current_state()) == live_growth(p, *year)


def test_refresh_reports_the_events_it_added_and_the_watermark_apart(registry):
    """``events_added`` counts events, ``watermark`` is the highest event id: not the same number once
    ids have gaps (on PostgreSQL the sequence runs on across tests, so ids here do not start at 1)."""
    first = cube.refresh(full=True)
    assert first["events_added"] == MembershipEvent.objects.count() == 4
    assert first["watermark"] == MembershipEvent.objects.aggregate(m=Max("id"))["m"]
    members.leave(registry.members["jinghu_1"], dt.date(2023, 6, 1), ChangeReason.VOLUNTARY)
    members.leave(registry.members["jiujiang_1"], dt.date(2023, 6, 2), ChangeReason.VOLUNTARY)
    second = cube.refresh()
    assert second["events_added"] == 2 and second["rebuilt"] == 0
    assert second["watermark"] == MembershipEvent.objects.aggregate(m=Max("id"))["m"]
    assert cube.refresh()["events_added"] == 0


@pytest.mark.postgres
def test_tree_version_spares_the_fingerprint_scan_and_still_sees_a_move(
    registry, on_postgres, django_assert_num_queries
):
    """PostgreSQL: triggers on the union table raise the tree version on a move or a delete; while it
    is unchanged the cube state is one query (no scan of every union)."""
    u = registry.unions
    cube.refresh(full=True)
    with django_assert_num_queries(1):
        assert cube.current_state() is not None
    version = cube.tree_version()
    # Adding a union (INSERT, then its path set from '') and editing one are not moves.
    new = UnionOrg.objects.create(
        name="镜湖新建工会", kind=UnionKind.COMMITTEE, parent=u["jinghu_street"], region=u["jinghu"].region
    )
    u["jiujiang_b"].name = "鸠江乙公司工会（更名）"
    u["jiujiang_b"].save()
    assert cube.tree_version() == version
    with django_assert_num_queries(1):
        assert cube.current_state() is not None
    # A move raises the version (once per moved row: the node and its subtree's paths) …
    u["jinghu_street"].parent = u["jiujiang"]
    u["jinghu_street"].save()
    assert cube.tree_version() > version
    assert cube.current_state() is None  # … and the fingerprint then tells the cube is stale.
    assert cube.refresh()["rebuilt"] == 1
    with django_assert_num_queries(1):
        assert cube.current_state() is not None
    # A version raised without a net change (moved away and back) costs one fingerprint check, after
    # which the new version is recorded.
    new.parent = u["jiujiang"]
    new.save()
    new.parent = u["jinghu_street"]
    new.save()
    assert cube.current_state() is not None
    with django_assert_num_queries(1):
        assert cube.current_state() is not None


@pytest.mark.postgres
def test_founding_query_has_its_covering_index(registry, on_postgres):
    """orgs migration 0002: the 组建数 query's columns are all in one index (an index-only scan on a
    large registry); the query counts rows, not ids, so no column outside the index is needed."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'orgs_unionorg_founded_cover'")
        (definition,) = c.fetchone()
    assert "(founded_on) INCLUDE (kind, status, status_changed_on, path)" in definition
    from django.test.utils import CaptureQueriesContext

    u = registry.unions
    with CaptureQueriesContext(connection) as captured:
        founded = unions_founded(
            paths(registry, "jinghu", "jiujiang"), dt.date(2023, 1, 1), dt.date(2023, 12, 31), u["wuhu"].path
        )
    # The joint union founded 2023-02-01 under 鸠江; the others in earlier years.
    assert founded == {u["jinghu"].path: 0, u["jiujiang"].path: 1, u["wuhu"].path: 1}
    (query,) = captured.captured_queries
    assert "COUNT(*)" in query["sql"] and '"orgs_unionorg"."id"' not in query["sql"]
