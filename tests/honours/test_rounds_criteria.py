"""The automatic criteria: a passing and a failing union, figures as of a past date (never today's),
what cannot be reconstructed said as such, evidence items left to the reviewers."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from gonghui.honours import criteria
from gonghui.orgs.services import record_workplace_states
from gonghui.supervision import problems
from gonghui.supervision.models import Problem
from tests.honours.helpers import add_model_union

pytestmark = pytest.mark.django_db

KIND = SimpleNamespace(
    criteria=[
        {"code": "join_rate", "label": "会员入会率不低于90%", "source": "auto", "params": {"min": 90}},
        {"code": "workers_congress", "label": "职代会", "source": "auto"},
        {"code": "open_affairs", "label": "厂务公开", "source": "auto"},
        {"code": "election_not_overdue", "label": "按期换届", "source": "auto"},
        {"code": "no_open_problem", "label": "无督导问题", "source": "auto"},
        {"code": "activities", "label": "职工之家活动丰富", "source": "evidence"},
    ]
)


def of(union):
    return SimpleNamespace(union=union, workplace=None, member=None, proposal=None, node=union)


def judged(rows):
    return {r["code"]: r for r in rows}


def test_a_passing_and_a_failing_union_and_a_past_date(registry):
    today = timezone.localdate()
    good = add_model_union(registry)
    rows = judged(criteria.evaluate(KIND, of(good), today))
    assert [rows[c]["passed"] for c in ("join_rate", "workers_congress", "open_affairs")] == [True] * 3
    assert (
        rows["join_rate"]["value"] == 100.0 and "会员 4 人，覆盖单位职工 4 人" in rows["join_rate"]["detail"]
    )
    assert rows["election_not_overdue"]["passed"] is True and rows["no_open_problem"]["passed"] is True
    assert rows["activities"] == {
        "code": "activities",
        "label": "职工之家活动丰富",
        "source": "evidence",
        "passed": None,
        "value": None,
        "detail": "以佐证材料审核",
    }

    # 镜湖甲: 2 members of 120 employees, no 职代会, no term recorded.
    bad = judged(criteria.evaluate(KIND, of(registry.unions["jinghu_a"]), today))
    assert bad["join_rate"]["passed"] is False and bad["join_rate"]["value"] == 1.7
    assert bad["workers_congress"]["passed"] is False and bad["workers_congress"]["value"] == "0/1"
    assert (
        bad["election_not_overdue"]["passed"] is None
        and "未登记本届任期" in bad["election_not_overdue"]["detail"]
    )

    # As of 2023-01-01 the good union's members had not joined yet: the day's figures, not today's.
    past = judged(criteria.evaluate(KIND, of(good), dt.date(2023, 1, 1)))
    assert past["join_rate"]["passed"] is False and past["join_rate"]["value"] == 0.0

    # The workplace grows today (a new dated state): the past date still reads the old headcount.
    workplace = registry.workplaces["model"]
    workplace.employee_count = 40
    workplace.save()
    record_workplace_states([workplace])
    assert judged(criteria.evaluate(KIND, of(good), today))["join_rate"]["value"] == 10.0
    assert (
        judged(criteria.evaluate(KIND, of(good), today - dt.timedelta(days=1)))["join_rate"]["value"] == 100.0
    )

    # Before the workplace was registered there is no state for the day: said, not filled in.
    early = judged(criteria.evaluate(KIND, of(good), dt.date(2010, 1, 1)))
    assert early["join_rate"]["passed"] is False and "尚未成立" in early["join_rate"]["detail"]
    future = judged(criteria.evaluate(KIND, of(good), today + dt.timedelta(days=3)))
    assert future["join_rate"]["passed"] is None and "晚于今天" in future["join_rate"]["detail"]


def test_open_problem_election_and_membership(registry):
    today = timezone.localdate()
    good = add_model_union(registry)
    problems.register_problem(
        union=good,
        source=Problem.Source.VISIT,
        description="职工书屋长期关闭",
        found_on=today,
        actor=None,
    )
    rows = judged(criteria.evaluate(KIND, of(good), today))
    assert rows["no_open_problem"]["passed"] is False and rows["no_open_problem"]["value"] == 1
    # The day before it was found the union had none open.
    yesterday = judged(criteria.evaluate(KIND, of(good), today - dt.timedelta(days=1)))
    assert yesterday["no_open_problem"]["passed"] is True
    # The county's own list is the county's work: it does not bar the grassroots union.
    problems.register_problem(
        union=registry.unions["jiujiang"],
        source=Problem.Source.SELF_CHECK,
        description="经费",
        found_on=today,
    )
    assert judged(criteria.evaluate(KIND, of(registry.unions["jiujiang_b"]), today))["no_open_problem"][
        "passed"
    ]

    # Re-elected after the day: the term in force then is not kept.
    good.term_start = today
    good.save()
    past = judged(criteria.evaluate(KIND, of(good), today - dt.timedelta(days=1)))
    assert (
        past["election_not_overdue"]["passed"] is None and "不保留" in past["election_not_overdue"]["detail"]
    )
    good.term_start, good.term_years = dt.date(2015, 1, 1), 3
    good.save()
    assert judged(criteria.evaluate(KIND, of(good), today))["election_not_overdue"]["passed"] is False

    person = SimpleNamespace(union=None, workplace=None, proposal=None, member=registry.members["model_0"])
    kind = SimpleNamespace(criteria=[{"code": "member_in_good_standing", "source": "auto"}, KIND.criteria[0]])
    standing, rate = criteria.evaluate(kind, person, today)
    assert standing["passed"] is True and standing["label"] == "会籍有效"
    assert rate["passed"] is None and "不适用" in rate["detail"]
    assert criteria.evaluate(kind, person, dt.date(2023, 2, 1))[0]["passed"] is False


def test_a_workplace_is_judged_by_the_unions_covering_it(registry):
    today = timezone.localdate()
    covered = SimpleNamespace(
        union=None, member=None, proposal=None, workplace=registry.workplaces["jiujiang_small0"]
    )
    rows = judged(criteria.evaluate(KIND, covered, today))
    # The joint union: 1 member over 3 × 8 employees.
    assert rows["join_rate"]["value"] == round(100 / 24, 1) and rows["join_rate"]["passed"] is False
    bare = SimpleNamespace(
        union=None, member=None, proposal=None, workplace=registry.workplaces["jiujiang_none"]
    )
    assert judged(criteria.evaluate(KIND, bare, today))["join_rate"]["detail"].endswith("没有工会覆盖")
