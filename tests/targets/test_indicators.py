"""Each indicator on the hand-built registry, whose answers are known:

Workplaces under 芜湖 (by governing union): 镜湖甲 (120 staff, covered, under 镜湖 street), 鸠江乙 (60,
covered), three 鸠江 small shops (8 each, all covered by ONE joint union), 鸠江未建会 (40, not covered).
Members: 2 in 镜湖 (one at a union with a workplace each), 2 in 鸠江 (committee and joint union).
"""

import datetime as dt

import pytest

from gonghui.orgs.models import Ownership
from gonghui.orgs.services import record_workplace_states
from gonghui.targets import indicators
from gonghui.targets.services import seed_reference
from tests.factories import REGISTERED


@pytest.fixture
def figures(registry):
    seed_reference()
    w = registry.workplaces
    # Give the registry some public-sector and large non-public workplaces with known flags.
    w["jinghu_a"].ownership = Ownership.STATE
    w["jinghu_a"].has_workers_congress = True
    w["jinghu_a"].save()
    w["jiujiang_b"].ownership = Ownership.INSTITUTION
    w["jiujiang_b"].has_open_affairs = True
    w["jiujiang_b"].save()
    w["jiujiang_none"].employee_count = 150
    w["jiujiang_none"].has_workers_congress = True  # not organised: outside the 已建会 population
    w["jiujiang_none"].save()
    # Recorded as the values since registration: the figures below are as of 2023-09-30.
    record_workplace_states(w.values(), on=REGISTERED)
    u = registry.unions
    u["jiujiang_b"].term_start, u["jiujiang_b"].term_years = dt.date(2019, 1, 1), 3  # due 2022: overdue
    u["jiujiang_b"].save()
    u["jiujiang_joint"].term_start, u["jiujiang_joint"].term_years = dt.date(2023, 2, 1), 5
    u["jiujiang_joint"].save()
    result = indicators.compute(u["wuhu"], dt.date(2023, 9, 30))
    return {i["code"]: i for i in result["indicators"]}, registry


def row(indicator, name):
    return next(r for r in indicator["rows"] if r["name"] == name)


def test_legal_entity_coverage_counts_covered_workplaces_not_unions(figures):
    f, _ = figures
    jiujiang = row(f["legal_entity_coverage"], "鸠江区总工会")
    assert (jiujiang["num"], jiujiang["den"]) == (4, 5)  # 鸠江乙 + 3 shops under one joint union
    assert jiujiang["rate"] == 80.0 and not jiujiang["below"]
    assert (f["legal_entity_coverage"]["total"]["num"], f["legal_entity_coverage"]["total"]["den"]) == (5, 6)
    assert row(f["legal_entity_coverage"], "镜湖区总工会")["rate"] == 100.0


def test_coverage_of_25_plus_workplaces(figures):
    f, _ = figures
    jiujiang = row(f["coverage_25plus"], "鸠江区总工会")
    assert (jiujiang["num"], jiujiang["den"]) == (1, 2)  # 鸠江乙 covered, 未建会 (150) not
    assert jiujiang["below"] is True and f["coverage_25plus"]["threshold"] == 90


def test_membership_rate_both_definitions(figures):
    f, _ = figures
    all_staff = row(f["membership_rate_all"], "鸠江区总工会")
    assert (all_staff["num"], all_staff["den"]) == (2, 60 + 24 + 150)
    unionised = row(f["membership_rate_unionised"], "鸠江区总工会")
    assert (unionised["num"], unionised["den"]) == (2, 60 + 24)
    assert "口径一" in f["membership_rate_all"]["note"] and "口径二" in f["membership_rate_unionised"]["note"]


def test_congress_and_open_affairs_rates(figures):
    f, _ = figures
    total = f["congress_public"]["total"]
    assert (total["num"], total["den"]) == (1, 2) and total["below"]
    assert (f["open_affairs_public"]["total"]["num"], f["open_affairs_public"]["total"]["den"]) == (1, 2)
    # The only 100+ non-public workplace has no union: the population of 已建会 non-public is empty.
    assert (
        f["congress_nonpublic100"]["total"]["den"] == 0
        and f["congress_nonpublic100"]["total"]["rate"] is None
    )
    assert f["congress_public"]["threshold"] == 95 and f["congress_nonpublic100"]["threshold"] == 85


def test_election_on_time(figures):
    f, _ = figures
    jiujiang = row(f["election_on_time"], "鸠江区总工会")
    assert (jiujiang["num"], jiujiang["den"]) == (1, 2)
