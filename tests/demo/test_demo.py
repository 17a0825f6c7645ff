"""The demo data set counts like the ACFTU statistics and never makes a rate above 100 %."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.demo.loader import DEMO_PASSWORD, DemoSize, load_demo
from gonghui.directories.models import DirectoryEdition, DirectoryEntry, MatchMethod
from gonghui.imports.models import ImportJob
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
    _demo_directory_went_through_the_importer(demo)


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


def _demo_directory_went_through_the_importer(demo):
    """The demo's 市场监管 directory is a ledger file imported by the engine as demo-wuhu (issue 12): the
    edition's counts are the importer's, the matcher left questions on the confirm page, two of them
    answered through the services."""
    job = ImportJob.objects.get(kind="directory")
    edition = DirectoryEdition.objects.get(source__code="market")
    assert job.status == ImportJob.Status.DONE and job.user.username == "demo-wuhu"
    assert edition.import_job == job and edition.scope.name == "芜湖市总工会"
    # Rows of the file = entries + the rows the importer set aside as repeated (one USCC given twice).
    assert demo["directory_rows"] == edition.rows + 1 and edition.created == demo["directory_entries"]
    entries = DirectoryEntry.objects.filter(source=edition.source)
    assert entries.count() == edition.rows
    assert entries.filter(match_method=MatchMethod.CODE).count() == edition.matched_code > 0
    assert entries.filter(match_method=MatchMethod.NAME).count() == edition.matched_name > 0
    assert edition.closed == entries.filter(is_closed=True).count() > 0
    # The matcher's questions: one confirmed (人工确认), one answered 新单位, the rest open.
    assert demo["directory_questions"] == edition.uncertain and demo["directory_answered"] == 2
    open_questions = entries.filter(match_method=MatchMethod.UNCERTAIN, confirmed_at=None)
    assert 10 <= open_questions.count() == edition.uncertain - 2 <= 30
    assert entries.filter(match_method=MatchMethod.MANUAL, confirmed_by__username="demo-wuhu").count() == 1
    assert entries.filter(match_method=MatchMethod.NEW, confirmed_by__username="demo-wuhu").count() == 1
    # The importer's partition of the rows (later answers and the founding move entries, not the edition).
    assert edition.matched_code + edition.matched_name + edition.uncertain + edition.new == edition.rows
    client = Client()
    client.force_login(User.objects.get(username="demo-wuhu"))
    page = client.get(reverse("directories:confirm"))
    assert page.status_code == 200
    first = open_questions.order_by("pk").first()
    assert first.name in page.content.decode()


def test_demo_supervision_tasks_in_a_realistic_mix(demo):
    """The 12 points reach every Wuhu county-level union and stand in every state, some overdue."""
    from gonghui.supervision.counties import county_level_unions
    from gonghui.supervision.models import Task, TaskEvent, TaskStatus

    wuhu = UnionOrg.objects.get(name="芜湖市总工会")
    counties = county_level_unions(wuhu).count()
    assert counties == 9
    assert (
        demo["supervision_tasks"]
        == Task.objects.filter(issuer=wuhu, plan_task__isnull=False).count()
        == 12 * counties
    )
    states = set(Task.objects.values_list("status", flat=True))
    assert states == {s.value for s in TaskStatus}
    assert Task.objects.overdue().exists()
    done = Task.objects.filter(status=TaskStatus.DONE).first()
    assert done.evidence.exists()
    assert list(TaskEvent.objects.filter(task=done).values_list("action", flat=True))[-1] == "验收销号"
    assert User.objects.get(username="demo-jcb").supervision_departments.get().name == "基层工作部"


def test_demo_reports_annual_statistics_and_evaluation(demo):
    """A year of reports in mixed states, the 2023 年报 of Wuhu's counties and a finalised evaluation."""
    from gonghui.evaluation.models import Evaluation
    from gonghui.reporting.models import Report

    assert {"draft", "submitted", "returned", "approved"} <= set(
        Report.objects.values_list("status", flat=True)
    )
    annual = Report.objects.filter(report_type__code="annual_statistics", period_end="2023-09-30")
    assert annual.count() == 9 == demo["annual_reports_2023"] + demo["annual_reports_2023_held_back"]
    assert Evaluation.objects.filter(year=2023).exists()
