"""The demo data set counts like the ACFTU statistics and never makes a rate above 100 %."""

from io import StringIO

import pytest
from django.core.management import call_command

from gonghui.accounts.models import User
from gonghui.demo.loader import DEMO_PASSWORD, DemoSize, load_demo
from gonghui.joining.models import RoutingRule
from gonghui.orgs.models import GRASSROOTS_KINDS, UnionKind, UnionOrg
from gonghui.orgs.stats import subtree_counts
from gonghui.targets import indicators, quality
from tests.factories import load_regions


@pytest.fixture
def demo(db):
    load_regions()
    return load_demo(DemoSize(grassroots=40, workplaces=300, members=2500))


def test_demo_grassroots_count_and_members_within_employees(demo):
    province = UnionOrg.objects.get(parent=None)
    wuhu = UnionOrg.objects.get(name="芜湖市总工会")
    # The demo made `grassroots` committees and joint unions; the county-level 行业 / 新就业形态
    # federations above some of them are not grassroots unions.
    federations = UnionOrg.objects.filter(
        kind__in=[UnionKind.INDUSTRY_FEDERATION, UnionKind.NEW_FORM_FEDERATION]
    ).count()
    assert federations == 4 + 7
    made = UnionOrg.objects.filter(kind__in=[UnionKind.COMMITTEE, UnionKind.JOINT]).count()
    # ... plus the union the demo founds from an item of the unorganised list (directories' demo data).
    assert demo["list_unions_founded"] == 1
    assert made == demo["grassroots"] + demo["list_unions_founded"] > 1
    assert UnionOrg.objects.filter(kind__in=GRASSROOTS_KINDS).count() == made
    assert subtree_counts(province).grassroots_unions == made  # the home page
    assert subtree_counts(wuhu).grassroots_unions == made
    assert indicators.compute(wuhu)["grassroots_unions"] == made  # indicators, dashboard, bulletins
    industry = UnionOrg.objects.get(name="芜湖市行业工会联合会")
    assert not industry.is_grassroots and subtree_counts(industry).grassroots_unions == sum(
        subtree_counts(sub).grassroots_unions for sub in industry.children.all()
    )

    # One demo load (≈ 6 s) for every check: members never exceed a workplace's employees either, and
    # each app's demo_data.py ran from the demo app.
    _members_never_exceed_employees(province, wuhu)
    _every_app_added_its_demo_rows(demo)


def _members_never_exceed_employees(province, wuhu):
    assert quality.members_over_employees(province, None).count() == 0
    figures = indicators.compute(wuhu)
    unionised = next(i for i in figures["indicators"] if i["code"] == "membership_rate_unionised")
    assert 0 < unionised["total"]["rate"] <= 100
    # No rate above 100 %. (The 行业工会联合会 row has members but no workplaces of its own — they belong to
    # their territorial unions — and is on the board as a numerator over a denominator of 0.)
    flagged = quality.out_of_range(figures)
    assert all(r["rate"] is None and r["den"] == 0 for r in flagged)
    assert {r["unit"] for r in flagged} <= {"芜湖市行业工会联合会"}


def _every_app_added_its_demo_rows(demo):
    """The demo app walks the installed apps and runs each ``<app>/demo_data.py`` (accounts, joining,
    targets), handing them the demo password and towns through the builder; ``load_demo`` is its command."""
    assert demo["auditors"] == 1 and demo["target_plans"] == 2
    assert demo["routing_rules"] > 0 and demo["join_applications"] > 0
    auditor = User.objects.get(username="demo-auditor")
    assert auditor.check_password(DEMO_PASSWORD)
    assert User.objects.get(username="demo-reviewer").check_password(DEMO_PASSWORD)
    assert RoutingRule.objects.count() == demo["routing_rules"]
    out = StringIO()
    call_command("load_demo", "--if-missing", stdout=out)
    assert out.getvalue().strip() == "演示数据已载入，跳过"
