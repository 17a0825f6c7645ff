"""Issue 14 point 4 — the 年报 tables: a hand-built tree with a known answer (tests/factories.py: six
workplaces registered 2015-01-01, four members joined 2023-03-01 — two of them women by the ID's sex
digit, one migrant worker, one courier —, unions founded 2020, 2021 and 2023-02-01), the sum of sub-units
equal to the parent, figures as of a past date after later joins and exits, and the set-based roll-up
equal to the straightforward per-node computation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gonghui.members import services as members
from gonghui.members.models import ChangeReason
from gonghui.orgs.models import Ownership, UnionKind, UnionOrg, Workplace
from gonghui.orgs.services import record_workplace_states
from gonghui.reporting import annual, annual_checks
from gonghui.reporting.annual import TOTAL
from tests.factories import REGISTERED, make_id

D = dt.date(2023, 9, 30)


def grid(tables: annual.AnnualTables) -> dict:
    return {(t.code, r.key, c): r.values[c] for t in tables.tables for r in t.rows for c, _ in t.columns}


def test_statistical_year_runs_october_to_september():
    assert annual.statistical_year(dt.date(2023, 9, 30)) == (dt.date(2022, 10, 1), dt.date(2023, 9, 30))
    assert annual.statistical_year(dt.date(2023, 10, 1)) == (dt.date(2023, 10, 1), dt.date(2024, 9, 30))


def test_the_hand_built_tree_gives_the_known_answer(registry):
    t = annual.compute(registry.unions["wuhu"], D)
    assert t.summary() == {
        "grassroots_unions": 3,
        "members": 4,
        "women_members": 2,  # seq 22 and 42: even sex digit
        "migrant_members": 1,
        "new_form_members": 1,
        "workplaces": 6,
        "workplaces_covered": 5,
    }
    assert t.value("T1", UnionKind.COMMITTEE, "unions") == 2
    assert t.value("T1", UnionKind.JOINT, "unions") == 1
    assert t.value("T1", UnionKind.JOINT, "new") == 1  # founded 2023-02-01, inside 2022-10-01..2023-09-30
    assert t.value("T1", TOTAL, "new") == 1
    assert t.value("T1", UnionKind.COMMITTEE, "members") == 3
    assert t.value("T2", Ownership.PRIVATE, "unions") == 3
    assert t.value("T2", Ownership.PRIVATE, "members") == 4
    assert t.value("T3", "active", "members") == 4
    assert t.value("T3", "retained", "members") == 0
    assert t.value("T4", TOTAL, "covered_joint") == 3  # the three small shops
    assert t.value("T4", TOTAL, "employees") == 120 + 60 + 3 * 8 + 40
    assert t.value("T4", TOTAL, "employees_covered") == 120 + 60 + 3 * 8
    assert t.table("T5").unavailable == annual.CADRES_NOT_HELD
    assert t.value("T5", TOTAL, "full_time") is None
    assert t.value("T6", TOTAL, "congress") == 0
    assert annual_checks.check(t) == []
    # 镜湖区's part only.
    jinghu = annual.compute(registry.unions["jinghu"], D).summary()
    assert (jinghu["members"], jinghu["women_members"], jinghu["workplaces"]) == (2, 1, 1)


def test_the_sub_units_add_up_to_the_parent(registry):
    u = registry.unions
    # A member held by the county itself (a holding pool) and a workplace it governs directly: its 本级.
    registry.join("pool", "jiujiang", "钱池一", make_id("340207", dt.date(1993, 4, 4), 52))
    rollup = annual.compute_per_node(u["province"], D)
    for node in ("province", "wuhu", "jiujiang", "jinghu"):
        tables = rollup.tables(u[node].pk)
        subs = rollup.sub_units(u[node].pk)
        assert annual_checks.check(tables, subs) == [], node
        g = grid(tables)
        for key, value in g.items():
            if value is not None:
                assert value == sum(grid(s)[key] for s in subs), (node, key)
    # The roll-up's own check (sub-unit sums on the matrix) agrees with check(tables, sub_units).
    for node in ("province", "wuhu", "jiujiang"):
        assert annual_checks.check_node(rollup, u[node].pk) == []
    rollup.matrix[rollup.index[u["wuhu"].pk], 0] += 1  # a node that no longer equals its sub-units
    [failure] = annual_checks.check_node(rollup, u["wuhu"].pk)
    assert failure.check == "sum_of_sub_units" and failure.key.startswith("sum_of_sub_units:T1:")
    assert {r.name for r in failure.records} == {"镜湖区总工会", "鸠江区总工会", "芜湖经济技术开发区总工会"}
    names = [s.node_name for s in rollup.sub_units(u["jiujiang"].pk)]
    assert "鸠江区总工会（本级）" in names
    assert rollup.tables(u["province"].pk).summary()["members"] == 5


def test_the_roll_up_equals_the_straightforward_computation(registry):
    u = registry.unions
    members.retain(registry.members["jiujiang_1"], dt.date(2023, 6, 1), ChangeReason.RETIRED)
    members.transfer(registry.members["jinghu_2"], u["jiujiang_joint"], dt.date(2023, 7, 1))
    for day in (dt.date(2023, 5, 1), D, timezone.localdate()):
        rollup = annual.compute_per_node(u["province"], day)
        for node in ("province", "wuhu", "hefei", "jiujiang", "jinghu", "jinghu_street", "jiujiang_b"):
            assert grid(rollup.tables(u[node].pk)) == grid(annual.compute_direct(u[node], day)), (node, day)
    t = annual.compute(u["wuhu"], D)
    assert t.value("T3", "retained", "members") == 1
    assert t.value("T3", "active", "members") == 3
    assert t.value("T3", "retained", "women") == 0  # seq 31: a man
    jiujiang = annual.compute(u["jiujiang"], D)
    assert jiujiang.summary()["members"] == 3  # the transfer moved one member from 镜湖 to 鸠江
    assert jiujiang.summary()["migrant_members"] == 1


def test_as_of_a_past_date_differs_correctly_from_today_after_later_joins_and_exits(registry):
    u, w = registry.unions, registry.workplaces
    today = timezone.localdate()
    before = annual.compute(u["wuhu"], D)
    # Later: a woman joins, a migrant worker leaves, a workplace closes, a union is founded.
    registry.join("late", "jiujiang_b", "孙新入", make_id("340207", dt.date(1991, 1, 1), 78), date=today)
    members.leave(registry.members["jinghu_2"], today, ChangeReason.VOLUNTARY)
    shop = Workplace.objects.get(pk=w["jiujiang_small0"].pk)
    shop.closed_on = today
    shop.save()
    record_workplace_states([shop])
    union = UnionOrg.objects.create(
        name="鸠江未建会公司工会委员会",
        kind=UnionKind.COMMITTEE,
        parent=u["jiujiang"],
        region=u["jiujiang"].region,
        founded_on=today,
    )
    union.workplaces.set([w["jiujiang_none"]])

    again = annual.compute(u["wuhu"], D)
    assert grid(again) == grid(before)
    now = annual.compute(u["wuhu"], today).summary()
    assert now["members"] == 4  # +1 −1
    assert now["women_members"] == 2  # the new member is a woman (seq 78), the leaver was one (seq 22)
    assert now["migrant_members"] == 0
    assert now["grassroots_unions"] == 4
    assert now["workplaces"] == 5
    assert now["workplaces_covered"] == 5  # one shop closed, the unorganised company organised
    # A past date says that the 其中 flags are today's (the registry keeps no history of them).
    assert "台账不保留" in again.table("T3").note
    assert annual.compute(u["wuhu"], today).table("T3").note == ""


def test_a_day_the_registry_cannot_answer_is_said_not_filled_in(registry):
    t = annual.compute(registry.unions["wuhu"], REGISTERED - dt.timedelta(days=1))
    for code in annual.WORKPLACE_TABLES:
        assert t.table(code).unavailable.startswith("不提供该日期的数据")
        assert t.value(code, TOTAL, "workplaces") is None
    assert t.summary()["members"] == 0
    assert annual_checks.check(t) == []


@pytest.mark.parametrize("node", ["hefei", "jinghu_a"])
def test_an_empty_or_grassroots_node_has_tables(registry, node):
    t = annual.compute(registry.unions[node], D)
    assert t.node_name == registry.unions[node].name
    assert t.value("T3", TOTAL, "members") == (2 if node == "jinghu_a" else 0)
