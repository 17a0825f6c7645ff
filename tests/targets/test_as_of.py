"""Issue 9 point 5 — "as of" means as of: every figure shown for a past day is that day's, computed from
the dated registry (workplace 登记/注销 dates and dated states, flag dates, membership events), or the page,
the API and the bulletin say plainly that the day is not available — never today's figure under the
day's label.

The hand-built registry (tests/factories.py): six workplaces registered 2015-01-01, four members joined
2023-03-01, unions founded 2020, 2021 and 2023-02-01."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from gonghui.members import services as members
from gonghui.members.models import ChangeReason
from gonghui.orgs.models import Ownership, UnionCoverage, UnionKind, UnionOrg, Workplace, WorkplaceState
from gonghui.orgs.services import record_workplace_states
from gonghui.targets import asof, indicators
from gonghui.targets.services import seed_reference, snapshot
from tests.factories import REGISTERED, make_id, make_uscc
from tests.targets.conftest_helpers import make_plan

D = dt.date(2023, 9, 30)
NODES = ("province", "wuhu", "jiujiang", "jinghu")
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def reg(registry):
    seed_reference()
    return registry


def totals(figures: dict) -> dict[str, tuple]:
    return {i["code"]: (i["total"]["num"], i["total"]["den"]) for i in figures["indicators"]}


def form_data(workplace: Workplace, **changes) -> dict:
    """The workplace edit form's fields as the browser posts them."""
    from gonghui.orgs.forms import WorkplaceForm

    data = {}
    for name in WorkplaceForm.Meta.fields:
        value = changes.get(name, getattr(workplace, f"{name}_id", None) or getattr(workplace, name))
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else str(value)
    return data


def edit_the_registry_after(reg, today: dt.date, as_user) -> None:
    """Every kind of later change, each through the path users take."""
    u, w = reg.unions, reg.workplaces
    # A member joins today; a member who held membership on D leaves today.
    reg.join("late", "jiujiang_b", "孙新入", make_id("340207", dt.date(1991, 1, 1), 77), date=today)
    members.leave(reg.members["jinghu_2"], today, ChangeReason.VOLUNTARY)
    client = as_user("wuhu", Client())
    # A workplace created today (the form).
    new = Workplace(
        name="鸠江新登记公司",
        uscc=make_uscc(901, "340207"),
        employee_count=300,
        region=w["jiujiang_b"].region,
        governing_union=u["jiujiang"],
        ownership=Ownership.STATE,
        has_workers_congress=True,
        registered_on=today,
    )
    response = client.post("/orgs/workplaces/add/", form_data(new))
    assert response.status_code == 302, response.content.decode()[:2000]
    # A flag switched on and the ownership changed (the form): 镜湖甲 becomes a state firm with 职代会.
    response = client.post(
        f"/orgs/workplaces/{w['jinghu_a'].pk}/edit/",
        form_data(w["jinghu_a"], ownership=Ownership.STATE, has_workers_congress=True),
    )
    assert response.status_code == 302
    # An employee count changed (the importer, updating by USCC).
    from tests.imports.helpers import write_xlsx

    path = write_xlsx(
        reg.tmp_path / "w.xlsx",
        ["单位名称", "统一社会信用代码", "职工人数", "所在地区", "属地工会"],
        [["鸠江乙公司", w["jiujiang_b"].uscc, 20, "340207", "鸠江区总工会"]],
    )
    call_command("import_workplaces", str(path), "--user", "t-jiujiang", stdout=io.StringIO())
    assert Workplace.objects.get(pk=w["jiujiang_b"].pk).employee_count == 20
    # A small shop closed today; the unorganised company gets a union founded today.
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
        term_start=today,
        term_years=5,
    )
    union.workplaces.set([w["jiujiang_none"]])


@pytest.fixture
def edited(reg, tmp_path):
    reg.tmp_path = tmp_path
    return reg


def test_figures_as_of_a_day_stay_the_same_after_later_edits_and_today_changes(edited, as_user):
    reg, u = edited, edited.unions
    today = timezone.localdate()
    before = {k: indicators.figures_as_of(u[k], D) for k in NODES}
    today_before = {k: indicators.compute(u[k]) for k in NODES}
    assert not any(f.get("unavailable") for f in before.values())
    assert totals(before["wuhu"])["legal_entity_coverage"] == (5, 6)

    edit_the_registry_after(reg, today, as_user)

    for k in NODES:
        assert indicators.figures_as_of(u[k], D) == before[k], k
    after = {k: indicators.compute(u[k]) for k in NODES}
    t0, t1 = totals(today_before["wuhu"]), totals(after["wuhu"])
    # Today: +1 registered (not covered), −1 closed shop (covered), +1 newly covered.
    assert t0["legal_entity_coverage"] == t1["legal_entity_coverage"] == (5, 6)
    assert t1["membership_rate_all"][0] == t0["membership_rate_all"][0]  # one joined, one left
    assert t0["membership_rate_all"][1] == 120 + 60 + 24 + 40
    assert t1["membership_rate_all"][1] == 120 + 20 + 16 + 40 + 300
    assert (t0["congress_public"], t1["congress_public"]) == ((0, 0), (2, 2))
    assert (t0["coverage_25plus"], t1["coverage_25plus"]) == ((2, 3), (2, 3))  # 鸠江乙 out, 未建会 covered
    assert t1["membership_rate_unionised"][1] == 120 + 20 + 16 + 40
    assert after["wuhu"]["grassroots_unions"] == today_before["wuhu"]["grassroots_unions"] + 1
    assert before["wuhu"]["grassroots_unions"] == today_before["wuhu"]["grassroots_unions"]


def test_the_dated_count_of_today_equals_the_count_of_the_current_registry(edited, as_user):
    """The guard that keeps ``asof.raw_counts_as_of`` in step with ``indicators.raw_counts``: as of today
    both count the same thing, before and after every kind of edit."""
    reg, u = edited, edited.unions
    today = timezone.localdate()

    def nonzero(counts):
        return {p: {k: v for k, v in values.items() if v} for p, values in counts.items()}

    for k in NODES:
        assert nonzero(asof.raw_counts_as_of(u[k], today)) == nonzero(indicators.raw_counts(u[k], today)), k
    edit_the_registry_after(reg, today, as_user)
    for k in NODES:
        assert nonzero(asof.raw_counts_as_of(u[k], today)) == nonzero(indicators.raw_counts(u[k], today)), k


def test_a_change_counts_from_its_day_and_a_flag_from_its_date(reg):
    u, w = reg.unions, reg.workplaces
    jj = w["jiujiang_none"]  # 40 staff, not covered
    jj.employee_count = 150
    record_workplace_states([jj], on=dt.date(2024, 1, 1))
    assert WorkplaceState.objects.filter(workplace=jj).count() == 2
    w25 = lambda day: totals(indicators.figures_as_of(u["jiujiang"], day))["coverage_25plus"]  # noqa: E731
    assert w25(dt.date(2023, 12, 31)) == w25(dt.date(2024, 1, 1)) == (1, 2)  # 40 and 150 are both ≥ 25
    staff = lambda day: totals(indicators.figures_as_of(u["jiujiang"], day))["membership_rate_all"]  # noqa: E731
    assert staff(dt.date(2023, 12, 31))[1] == 60 + 24 + 40
    assert staff(dt.date(2024, 1, 1))[1] == 60 + 24 + 150
    # 职代会 switched on with its founding date: counted from that date on, not before.
    a = w["jinghu_a"]
    a.ownership, a.has_workers_congress, a.workers_congress_since = Ownership.STATE, True, dt.date(2024, 3, 1)
    record_workplace_states([a], on=REGISTERED)
    congress = lambda day: totals(indicators.figures_as_of(u["jinghu"], day))["congress_public"]  # noqa: E731
    assert congress(dt.date(2024, 2, 29)) == (0, 1)
    assert congress(dt.date(2024, 3, 1)) == (1, 1)


def test_members_as_of_a_day_come_from_the_events(reg):
    u = reg.unions
    members.leave(reg.members["jiujiang_1"], dt.date(2024, 5, 1), ChangeReason.VOLUNTARY)
    count = lambda day: totals(indicators.figures_as_of(u["jiujiang"], day))["membership_rate_all"][0]  # noqa: E731
    assert count(dt.date(2023, 2, 28)) == 0  # before anyone joined
    assert count(dt.date(2023, 3, 1)) == 2
    assert count(dt.date(2024, 4, 30)) == 2
    assert count(dt.date(2024, 5, 1)) == 1


def test_a_day_the_registry_cannot_answer_for_is_said_not_available(reg):
    u, w = reg.unions, reg.workplaces
    early = indicators.figures_as_of(u["wuhu"], dt.date(2014, 12, 31))
    assert early["unavailable"].startswith(
        "不提供该日期的数据：2014年12月31日早于本单位台账中最早的单位登记日期"
    )
    assert early["indicators"] == [] and early["grassroots_unions"] is None
    future = indicators.shown(u["wuhu"], timezone.localdate() + dt.timedelta(days=1))
    assert (
        future.source == "unavailable" and "晚于今天" in future.reason and future.figures["indicators"] == []
    )
    # A workplace whose values on the day were never recorded (a row from before the history was kept).
    Workplace.objects.create(
        name="鸠江旧台账公司",
        employee_count=30,
        region=w["jiujiang_b"].region,
        governing_union=u["jiujiang"],
        registered_on=dt.date(2016, 1, 1),
    )
    old = indicators.figures_as_of(u["wuhu"], D)
    assert old["unavailable"].startswith("不提供该日期的数据：有 1 个单位在2023年9月30日的职工人数")
    assert not indicators.figures_as_of(u["jinghu"], D).get("unavailable")  # another subtree is fine


def test_a_term_not_kept_for_the_day_withholds_only_the_election_rate(reg):
    u = reg.unions
    u["jiujiang_b"].term_start, u["jiujiang_b"].term_years = dt.date(2024, 5, 1), 5  # re-elected after D
    u["jiujiang_b"].save()
    figures = indicators.figures_as_of(u["wuhu"], D)
    by_code = {i["code"]: i for i in figures["indicators"]}
    election = by_code["election_on_time"]
    assert election["unavailable"].startswith("不提供该日期的数据：有 1 个基层工会在2023年9月30日之后换届")
    assert election["total"]["num"] is None and all(r["rate"] is None for r in election["rows"])
    assert by_code["legal_entity_coverage"]["total"]["num"] == 5
    assert not indicators.figures_as_of(u["wuhu"], dt.date(2024, 6, 1))["indicators"][-1].get("unavailable")


def test_page_and_api_as_of_a_past_day_show_that_days_figures(edited, as_user):
    reg, u = edited, edited.unions
    before = indicators.figures_as_of(u["wuhu"], D)
    edit_the_registry_after(reg, timezone.localdate(), as_user)
    client = as_user("wuhu", Client())
    page = client.get(f"/targets/indicators/?node={u['wuhu'].pk}&as_of=2023-09-30").content.decode()
    assert "实时计算，截至 <strong>2023年9月30日</strong>" in page
    assert "合计 83.3%（5 / 6）" in page  # 法人单位建会率 of that day
    assert "合计 100.0%（6 / 6）" not in page.split("职工入会率")[0]  # today's
    body = client.get(f"/api/v1/unions/{u['wuhu'].pk}/indicators?as_of=2023-09-30").json()
    assert (body["source"], body["as_of"], body["unavailable"]) == ("live", "2023-09-30", None)
    assert [i["total"] for i in body["indicators"]] == [i["total"] for i in before["indicators"]]

    page = client.get(f"/targets/indicators/?node={u['wuhu'].pk}&as_of=2014-06-30").content.decode()
    assert (
        "不提供该日期的数据：2014年6月30日早于本单位台账中最早的单位登记日期" in page and "合计" not in page
    )
    body = client.get(f"/api/v1/unions/{u['wuhu'].pk}/indicators?as_of=2014-06-30").json()
    assert body["source"] == "unavailable" and body["indicators"] == []
    assert body["unavailable"].startswith("不提供该日期的数据")
    assert client.get("/targets/indicators/?as_of=2024-02-30").status_code == 400  # never "today" instead


@override_settings(TASKS=DUMMY)
def test_dashboard_of_a_past_day_shows_that_days_indicators(reg, as_user):
    u = reg.unions
    indicators.refresh_results(nodes=[u["wuhu"]])  # today's stored result: not the one to show for D
    client = as_user("wuhu", Client())
    page = client.get(f"/reports/?node={u['wuhu'].pk}&as_of=2023-09-30").content.decode()
    assert "截至 2023-09-30 实时计算" in page
    page = client.get(f"/reports/?node={u['wuhu'].pk}&as_of=2014-06-30").content.decode()
    assert "不提供该日期的数据" in page


def test_bulletin_snapshot_of_a_day_holds_that_days_indicators(edited, as_user):
    reg, u = edited, edited.unions
    plan = make_plan(reg)
    before = indicators.figures_as_of(u["wuhu"], D)
    edit_the_registry_after(reg, timezone.localdate(), as_user)
    snap = snapshot(plan, D)  # made after the edits
    assert snap.figures["indicators"] == before
    assert totals(snap.figures["indicators"]) != totals(indicators.compute(u["wuhu"]))


def test_a_workplace_added_to_a_unions_coverage_later_is_covered_from_that_day(reg):
    u, w = reg.unions, reg.workplaces
    joint = u["jiujiang_joint"]  # entered (and its three shops linked) on its founding day
    UnionOrg.objects.filter(pk=joint.pk).update(
        created_at=timezone.make_aware(dt.datetime(2023, 2, 1, 9)), founded_on=dt.date(2023, 2, 1)
    )
    UnionCoverage.objects.filter(unionorg=joint).update(since=dt.date(2023, 2, 1))
    legal = lambda day: totals(indicators.figures_as_of(u["jiujiang"], day))["legal_entity_coverage"]  # noqa: E731
    assert legal(dt.date(2023, 1, 31)) == (1, 5)  # 鸠江乙 only: the joint union not founded yet
    assert legal(D) == (4, 5)
    joint.workplaces.add(w["jiujiang_none"], through_defaults={"since": dt.date(2024, 6, 1)})
    assert legal(D) == legal(dt.date(2024, 5, 31)) == (4, 5)
    assert legal(dt.date(2024, 6, 1)) == (5, 5)
    joint.workplaces.remove(w["jiujiang_none"])
    joint.workplaces.add(w["jiujiang_none"])  # the default: the day the link is made, today
    assert legal(dt.date(2024, 6, 1)) == (4, 5)
    assert totals(indicators.compute(u["jiujiang"]))["legal_entity_coverage"] == (5, 5)


def test_bulletin_of_a_day_without_the_figures_says_so_in_the_spreadsheet(reg, as_user):
    from python_calamine import CalamineWorkbook

    u = reg.unions
    plan = make_plan(reg)
    u["jiujiang_b"].term_start, u["jiujiang_b"].term_years = dt.date(2024, 5, 1), 5  # re-elected after D
    u["jiujiang_b"].save()
    client = as_user("wuhu", Client())
    for day, expected in (
        (dt.date(2014, 12, 31), "不提供该日期的数据：2014年12月31日早于本单位台账中最早的单位登记日期"),
        (D, "不提供该日期的数据：有 1 个基层工会在2023年9月30日之后换届"),
    ):
        snap = snapshot(plan, day)
        xlsx = client.get(f"/reports/bulletins/{snap.pk}/xlsx/")
        assert xlsx.status_code == 200
        book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
        text = "\n".join(str(c) for row in book.get_sheet_by_name("建制率指标").to_python() for c in row)
        assert expected in text


def test_the_migration_backfill_dates_rows_honestly(reg):
    """Rows from before the history was kept: 登记日期 = the day the row was created; its values are known
    from its last change on — a day between the two is not available, a day after it is."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("gonghui.orgs.migrations.0003_workplace_dates_and_states")
    u, w = reg.unions, reg.workplaces
    WorkplaceState.objects.all().delete()
    entered = timezone.make_aware(dt.datetime(2015, 1, 1, 10))
    Workplace.objects.update(created_at=entered, updated_at=entered)
    Workplace.objects.filter(pk=w["jiujiang_none"].pk).update(
        updated_at=timezone.make_aware(dt.datetime(2022, 3, 1, 10))
    )
    migration.backfill(apps, None)
    assert set(Workplace.objects.values_list("registered_on", flat=True)) == {dt.date(2015, 1, 1)}
    assert WorkplaceState.objects.get(workplace=w["jiujiang_none"]).valid_from == dt.date(2022, 3, 1)
    assert WorkplaceState.objects.get(workplace=w["jinghu_a"]).valid_from == dt.date(2015, 1, 1)
    gap = indicators.figures_as_of(u["jiujiang"], dt.date(2021, 6, 30))
    assert gap["unavailable"].startswith("不提供该日期的数据：有 1 个单位在2021年6月30日的职工人数")
    assert "按日期的记录最早始于2022年3月1日" in gap["unavailable"]
    assert not indicators.figures_as_of(u["jinghu"], dt.date(2021, 6, 30)).get("unavailable")
    assert not indicators.figures_as_of(u["jiujiang"], dt.date(2022, 3, 1)).get("unavailable")


def test_the_workplace_importer_takes_the_registration_date(reg, tmp_path):
    from tests.imports.helpers import write_xlsx

    u = reg.unions
    path = write_xlsx(
        tmp_path / "w.xlsx",
        ["单位名称", "统一社会信用代码", "职工人数", "所在地区", "属地工会", "登记日期"],
        [
            ["鸠江老台账厂", make_uscc(911, "340207"), 80, "340207", "鸠江区总工会", "2018-03-01"],
            ["鸠江今日登记厂", make_uscc(912, "340207"), 30, "340207", "鸠江区总工会", ""],
        ],
    )
    call_command("import_workplaces", str(path), "--user", "t-jiujiang", stdout=io.StringIO())
    old, new = Workplace.objects.get(name="鸠江老台账厂"), Workplace.objects.get(name="鸠江今日登记厂")
    assert (old.registered_on, new.registered_on) == (dt.date(2018, 3, 1), timezone.localdate())
    assert list(old.states.values_list("valid_from", "employee_count")) == [(dt.date(2018, 3, 1), 80)]
    staff = totals(indicators.figures_as_of(u["jiujiang"], D))["membership_rate_all"][1]
    assert staff == 60 + 24 + 40 + 80  # the ledger's factory counts from its registration, today's does not
