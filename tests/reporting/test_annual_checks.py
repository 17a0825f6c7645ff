"""Issue 14 point 4 — the logical checks (逻辑检查) of the 年报, each with a failing and a passing case;
every failure names the table, row, column and the records behind it; a failing check blocks submission
unless the rule admits an explanation and one is given."""

from __future__ import annotations

import copy
import datetime as dt

from gonghui.orgs.models import Ownership, UnionKind, WorkplaceState
from gonghui.reporting import annual, annual_checks
from gonghui.reporting.annual import TOTAL
from tests.factories import make_id

D = dt.date(2023, 9, 30)


def checks_of(failures: list[annual_checks.Failure]) -> set[str]:
    return {f.check for f in failures}


def edited(tables: annual.AnnualTables, code: str, row: str, column: str, value: int) -> annual.AnnualTables:
    out = copy.deepcopy(tables)
    out.table(code).row(row).values[column] = value
    return out


def test_sub_rows_must_sum_to_the_total(registry):
    t = annual.compute(registry.unions["wuhu"], D)
    assert "sub_rows" not in checks_of(annual_checks.check(t))
    bad = edited(t, "T1", UnionKind.COMMITTEE, "unions", 5)  # total stays 3
    [failure] = [f for f in annual_checks.check(bad) if f.check == "sub_rows"]
    assert failure.table == "T1 基层工会组织情况（按组织类型）"
    assert (failure.row, failure.column) == ("合计", "基层工会数（个）")
    assert "6" in failure.message and "3" in failure.message
    assert annual_checks.blocking_failures(bad) == [failure]


def test_women_and_the_other_parts_cannot_exceed_members(registry):
    t = annual.compute(registry.unions["wuhu"], D)
    assert "part_le_members" not in checks_of(annual_checks.check(t))
    bad = edited(t, "T3", TOTAL, "women", 9)
    [failure] = [f for f in annual_checks.check(bad) if f.check == "part_le_members"]
    assert (failure.table, failure.row, failure.column) == ("T3 会员情况", "会员合计", "其中女性")
    assert failure.message == "女性会员 9 多于会员数 4"
    bad = edited(t, "T3", "active", "new_form", 5)
    assert [f.column for f in annual_checks.check(bad) if f.check == "part_le_members"] == [
        "其中新就业形态劳动者"
    ]


def test_covered_workplaces_cannot_exceed_workplaces(registry):
    t = annual.compute(registry.unions["wuhu"], D)
    assert "covered_le_workplaces" not in checks_of(annual_checks.check(t))
    bad = edited(t, "T4", Ownership.PRIVATE, "covered", 7)
    failures = [f for f in annual_checks.check(bad) if f.check == "covered_le_workplaces"]
    assert [(f.row, f.column) for f in failures] == [("私营及其他非公有制企业", "已建会单位数（个）")]
    bad = edited(t, "T4", Ownership.PRIVATE, "covered_joint", 6)
    assert [f.column for f in annual_checks.check(bad) if f.check == "covered_le_workplaces"] == [
        "其中由联合基层工会（工会联合会）覆盖（个）"
    ]


def test_members_of_a_workplace_union_cannot_exceed_its_employees_unless_explained(registry):
    u, w = registry.unions, registry.workplaces
    w["jiujiang_b"].employee_count = 1  # 鸠江乙 has one member; two is one too many
    w["jiujiang_b"].save()
    assert annual_checks.check(annual.compute(u["wuhu"], D)) == []  # the dated state on D still says 60

    WorkplaceState.objects.filter(workplace=w["jiujiang_b"]).update(employee_count=1)
    assert annual_checks.check(annual.compute(u["wuhu"], D)) == []  # one member, one employee
    registry.join(
        "more", "jiujiang_b", "周鸠三", make_id("340207", dt.date(1990, 9, 9), 55), date=dt.date(2023, 4, 1)
    )
    t = annual.compute(u["wuhu"], D)
    [failure] = annual_checks.check(t)
    assert failure.check == "members_le_employees"
    assert (failure.table, failure.row, failure.column) == (
        "T1 基层工会组织情况（按组织类型）",
        "基层工会委员会",
        "会员数（人）",
    )
    assert [(r.kind, r.id) for r in failure.records] == [
        ("工会", u["jiujiang_b"].pk),
        ("单位", w["jiujiang_b"].pk),
    ]
    assert "鸠江乙公司工会委员会" in failure.message and "职工 1 人" in failure.message
    assert annual_checks.blocking_failures(t) == [failure]
    explained = {failure.key: "含派遣至外单位工作的会员"}
    assert annual_checks.blocking_failures(t, explanations=explained) == []
    assert annual_checks.check(t, explanations=explained)[0].explanation == "含派遣至外单位工作的会员"
    # 镜湖区 sees none of it.
    assert annual_checks.check(annual.compute(u["jinghu"], D)) == []


def test_a_node_must_equal_the_sum_of_its_sub_units(registry):
    u = registry.unions
    rollup = annual.compute_per_node(u["wuhu"], D)
    tables, subs = rollup.tables(u["wuhu"].pk), rollup.sub_units(u["wuhu"].pk)
    assert annual_checks.check(tables, subs) == []
    # A sub-unit's report as submitted earlier (frozen) with one more member than the city now has.
    stale = [edited(subs[0], "T3", "active", "members", (subs[0].value("T3", "active", "members") or 0) + 1)]
    stale[0].table("T3").row(TOTAL).values["members"] = stale[0].value("T3", "active", "members")
    failures = [f for f in annual_checks.check(tables, [*stale, *subs[1:]]) if f.check == "sum_of_sub_units"]
    assert {(f.table, f.row, f.column) for f in failures} == {
        ("T3 会员情况", "会员合计", "会员数"),
        ("T3 会员情况", "在会", "会员数"),
    }
    assert {r.name for r in failures[0].records} == {s.node_name for s in subs}
    assert all(f.key.startswith("sum_of_sub_units:") for f in failures)
    assert (
        annual_checks.blocking_failures(tables, [*stale, *subs[1:]], {f.key: "说明" for f in failures})
        == failures
    )
