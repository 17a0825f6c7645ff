"""The dashboard's figures are the straightforward counts, whichever fast path produced them: the
growth cube with its live tail, the plan's grouped founding count, the stored daily results."""

import datetime as dt

import pytest

from gonghui.members import services as members
from gonghui.members.models import HELD_STATUSES, ChangeReason, Member
from gonghui.orgs.models import GRASSROOTS_KINDS, UnionKind, UnionOrg
from gonghui.reports.views import dashboard_data
from gonghui.targets import cube, indicators
from gonghui.targets.growth import live_growth, live_monthly
from tests.factories import make_id

AS_OF = dt.date(2023, 9, 30)
YEAR = (dt.date(2023, 1, 1), AS_OF)


def straightforward(node: UnionOrg) -> dict:
    year = live_growth([node.path], *YEAR)[node.path]
    founded = UnionOrg.objects.filter(
        path__startswith=node.path, kind__in=GRASSROOTS_KINDS, founded_on__range=YEAR
    ).exclude(status_changed_on__lte=AS_OF)
    return {
        "members": Member.objects.filter(
            union__path__startswith=node.path, status__in=HELD_STATUSES, join_date__lte=AS_OF
        ).count(),
        "grassroots": UnionOrg.objects.filter(
            path__startswith=node.path, kind__in=GRASSROOTS_KINDS, status=UnionOrg.Status.ACTIVE
        ).count(),
        "year_net": year["net"],
        "year_joined": year["joined"],
        "year_founded": founded.count(),
    }


def headline(data: dict) -> dict:
    return {k: v for k, v in data["headline"].items() if k != "grassroots_stored"}


@pytest.fixture
def busy(registry, plan):
    """Events on both sides of a cube refresh, a union founded this year outside the plan's rows, and
    one founded and revoked before the date."""
    u = registry.unions
    members.leave(registry.members["jinghu_1"], dt.date(2023, 5, 1), ChangeReason.VOLUNTARY)
    cube.refresh(full=True)
    members.transfer(registry.members["jinghu_2"], u["jiujiang_b"], dt.date(2023, 7, 1))
    registry.join(
        "late", "jiujiang_b", "孙后来", make_id("340207", dt.date(1991, 1, 1), 77), dt.date(2023, 8, 8)
    )
    UnionOrg.objects.create(
        name="经开区新建工会",
        kind=UnionKind.COMMITTEE,
        parent=u["zone"],
        region=u["zone"].region,
        founded_on=dt.date(2023, 4, 1),
    )
    gone = UnionOrg.objects.create(
        name="镜湖短命工会",
        kind=UnionKind.COMMITTEE,
        parent=u["jinghu_street"],
        region=u["jinghu"].region,
        founded_on=dt.date(2023, 3, 1),
    )
    UnionOrg.objects.filter(pk=gone.pk).update(
        status=UnionOrg.Status.REVOKED, status_changed_on=dt.date(2023, 6, 1)
    )
    return registry


def test_dashboard_of_the_plan_issuer_equals_the_straightforward_counts(busy, plan):
    wuhu = busy.unions["wuhu"]
    data = dashboard_data(busy.users["wuhu"], wuhu, plan, AS_OF)
    expected = straightforward(wuhu)
    assert headline(data) == expected
    # 2 + 2 factory members (March) − 1 exit + 1 late join; the transfer stays inside the city.
    assert expected["members"] == expected["year_net"] == 4
    # The zone's new union counts for the city although the zone is not a row of the plan.
    assert expected["year_founded"] == 2 and data["plan"]["issuer_founded"] == 2
    assert data["headline"]["grassroots_stored"] is False
    months = live_monthly(wuhu.path, *YEAR)
    assert data["monthly"]["net"] == [months.get(f"2023-{m:02d}", 0) for m in range(1, 10)]


def test_dashboard_of_a_county_and_with_the_cube_stale(busy, plan):
    u = busy.unions
    data = dashboard_data(busy.users["jinghu"], u["jinghu"], plan, AS_OF)
    assert headline(data) == straightforward(u["jinghu"])
    assert data["headline"]["members"] == 0  # one left, one transferred to 鸠江
    # A move makes the cube stale: the same figures from the event table.
    u["jinghu_street"].parent = u["jiujiang"]
    u["jinghu_street"].save()
    assert cube.current_state() is None
    for key in ("wuhu", "jiujiang"):
        data = dashboard_data(busy.users[key], u[key], plan, AS_OF)
        assert headline(data) == straightforward(u[key])


def test_union_count_comes_from_the_stored_daily_results_when_there_are_any(busy, plan):
    wuhu = busy.unions["wuhu"]
    indicators.refresh_results(nodes=[wuhu], day=AS_OF)  # the stored result of the day shown
    data = dashboard_data(busy.users["wuhu"], wuhu, plan, AS_OF)
    assert data["headline"]["grassroots_stored"] is True
    assert data["headline"]["grassroots"] == straightforward(wuhu)["grassroots"] == 4
    assert data["indicators_cached"] is True
