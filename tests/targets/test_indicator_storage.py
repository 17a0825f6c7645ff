"""The indicator page and API read stored daily results (one row per node and day) and count live only
for small subtrees: the stored figures equal the live computation, a past day reads that day's stored
figures after later edits, and a large node never gets a live count on a request (计算中 while the
background task computes the figures of exactly the day asked for — never another day's figures)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from gonghui.orgs.services import record_workplace_states
from gonghui.targets import indicators
from gonghui.targets.models import IndicatorResult
from gonghui.targets.services import seed_reference

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
DAY = dt.date(2023, 9, 30)


@pytest.fixture
def reg(registry):
    seed_reference()
    cache.clear()  # the 计算中 markers of another test
    return registry


@pytest.fixture
def large(monkeypatch):
    """Every subtree counts as large: requests may not count live."""
    monkeypatch.setattr(indicators, "LIVE_LIMIT", 0)

    def refuse(*args, **kwargs):
        raise AssertionError("a request counted a large subtree live")

    return refuse


def test_stored_day_equals_the_live_computation(reg):
    u = reg.unions
    for key in ("province", "wuhu", "jiujiang"):
        live = indicators.compute(u[key], DAY)
        indicators.refresh_results(nodes=[u[key]], day=DAY)
        shown = indicators.shown(u[key], DAY)
        assert shown.source == "stored" and shown.day == DAY
        assert shown.figures == live  # every numerator, denominator, rate and flag, after the JSON round trip
    row = IndicatorResult.objects.get(node=u["wuhu"], day=DAY)
    legal = next(i for i in row.values["indicators"] if i["code"] == "legal_entity_coverage")
    assert (legal["total"]["num"], legal["total"]["den"]) == (5, 6)  # the joint union's three shops


def test_a_past_day_reads_its_stored_figures_after_later_edits(reg, large, monkeypatch):
    u, w = reg.unions, reg.workplaces
    indicators.refresh_results(nodes=[u["wuhu"]], day=DAY)
    before = indicators.compute(u["wuhu"], DAY)
    w["jiujiang_none"].is_legal_entity = False  # an edit after the day
    w["jiujiang_none"].save()
    record_workplace_states([w["jiujiang_none"]])
    assert indicators.compute(u["wuhu"]) != before  # today's figures see the edit
    assert indicators.figures_as_of(u["wuhu"], DAY) == before  # the day's do not
    monkeypatch.setattr(indicators, "compute", large)
    shown = indicators.shown(u["wuhu"], DAY)
    assert (shown.source, shown.day, shown.figures) == ("stored", DAY, before)
    # No date asked: the latest stored day.
    latest = indicators.shown(u["wuhu"])
    assert (latest.source, latest.day, latest.requested) == ("stored", DAY, None)


def test_latest_day_is_the_default(reg):
    u = reg.unions
    indicators.refresh_results(nodes=[u["wuhu"]], day=DAY)
    indicators.refresh_results(nodes=[u["wuhu"]], day=DAY + dt.timedelta(days=1))
    indicators.refresh_results(nodes=[u["wuhu"]], day=DAY + dt.timedelta(days=1))  # same day: replaced
    assert IndicatorResult.objects.filter(node=u["wuhu"]).count() == 2
    assert indicators.shown(u["wuhu"]).day == DAY + dt.timedelta(days=1)


@override_settings(TASKS=DUMMY)
def test_a_large_node_without_that_day_computes_that_day_never_shows_another(reg, large, monkeypatch):
    from django_tasks import default_task_backend

    u = reg.unions
    monkeypatch.setattr(indicators, "compute", large)
    default_task_backend.clear()
    for day in (dt.date(2023, 9, 1), dt.date(2023, 10, 9)):
        IndicatorResult.objects.create(node=u["wuhu"], day=day, values={"indicators": [], "day": str(day)})
    shown = indicators.shown(u["wuhu"], DAY)
    assert (shown.source, shown.day, shown.requested, shown.figures) == ("pending", DAY, DAY, None)
    assert not shown.stored and shown.as_json()["as_of"] == "2023-09-30"
    assert [r.args for r in default_task_backend.results] == [[u["wuhu"].pk, "2023-09-30"]]


def test_small_subtrees_are_counted_live(reg, monkeypatch):
    u = reg.unions
    assert indicators.small_subtree(u["wuhu"])  # four members
    shown = indicators.shown(u["wuhu"], DAY)
    assert (shown.source, shown.day) == ("live", DAY)
    assert shown.figures == indicators.compute(u["wuhu"], DAY)
    assert not IndicatorResult.objects.exists()  # a request does not store
    monkeypatch.setattr(indicators, "LIVE_LIMIT", 2)  # 镜湖's street union holds two members, 芜湖 four
    assert not indicators.small_subtree(u["wuhu"]) and indicators.small_subtree(u["jinghu_street"])


@override_settings(TASKS=DUMMY)
def test_a_large_node_never_computed_is_queued_once_and_pending(reg, large, monkeypatch):
    from django_tasks import default_task_backend

    u = reg.unions
    monkeypatch.setattr(indicators, "compute", large)
    default_task_backend.clear()
    first = indicators.shown(u["wuhu"], DAY)
    assert (first.source, first.figures) == ("pending", None)
    assert indicators.shown(u["wuhu"], DAY).source == "pending"  # reloading does not queue it again
    assert indicators.shown(u["wuhu"]).source == "pending"  # no date: today's figures
    assert indicators.shown(u["wuhu"]).source == "pending"
    queued = default_task_backend.results
    assert [r.args for r in queued] == [
        [u["wuhu"].pk, DAY.isoformat()],
        [u["wuhu"].pk, timezone.localdate().isoformat()],
    ]


@override_settings(TASKS=IMMEDIATE)
def test_the_background_task_stores_todays_figures(reg, monkeypatch):
    u = reg.unions
    monkeypatch.setattr(indicators, "LIVE_LIMIT", 0)
    first = indicators.shown(u["wuhu"])  # queued and, with the immediate backend, already run
    assert first.source == "pending"
    today = timezone.localdate()
    shown = indicators.shown(u["wuhu"])
    assert (shown.source, shown.day) == ("stored", today)
    assert shown.figures == indicators.compute(u["wuhu"], today)


def test_page_says_which_days_figures_it_shows(reg, large, monkeypatch, as_user):
    u = reg.unions
    indicators.refresh_results(nodes=[u["wuhu"]], day=DAY)
    expected = indicators.compute(u["wuhu"], DAY)
    monkeypatch.setattr(indicators, "compute", large)
    client = as_user("wuhu", Client())
    page = client.get("/targets/indicators/").content.decode()
    assert "显示 <strong>2023年9月30日</strong> 的每日计算结果" in page
    legal = next(i for i in expected["indicators"] if i["code"] == "legal_entity_coverage")
    assert f"合计 {legal['total']['rate']}%（{legal['total']['num']} / {legal['total']['den']}）" in page
    with override_settings(TASKS=DUMMY):
        page = client.get("/targets/indicators/?as_of=2023-10-08").content.decode()
        assert (
            "尚无 2023年10月8日 的指标计算结果，后台正在按该日的登记信息计算" in page and "合计" not in page
        )
        page = client.get(f"/targets/indicators/?node={u['jiujiang'].pk}").content.decode()
    assert "计算中" in page and 'http-equiv="refresh"' in page and "合计" not in page


def test_page_counts_a_small_subtree_live_and_says_so(reg, as_user):
    client = as_user("jiujiang", Client())
    page = client.get("/targets/indicators/?as_of=2023-09-30").content.decode()
    assert "实时计算，截至 <strong>2023年9月30日</strong>" in page and "合计" in page


def test_api_as_of_reads_the_stored_day_and_answers_202_while_pending(reg, large, monkeypatch, as_user):
    u = reg.unions
    indicators.refresh_results(nodes=[u["wuhu"]], day=DAY)
    expected = indicators.compute(u["wuhu"], DAY)
    monkeypatch.setattr(indicators, "compute", large)
    client = as_user("wuhu", Client())
    body = client.get(f"/api/v1/unions/{u['wuhu'].pk}/indicators?as_of=2023-09-30").json()
    assert (body["source"], body["as_of"], body["stored"]) == ("stored", "2023-09-30", True)
    assert [i["total"] for i in body["indicators"]] == [i["total"] for i in expected["indicators"]]
    with override_settings(TASKS=DUMMY):
        other = client.get(f"/api/v1/unions/{u['wuhu'].pk}/indicators?as_of=2023-12-31")
        assert other.status_code == 202
        body = other.json()
        assert (body["source"], body["as_of"], body["requested_as_of"]) == (
            "pending",
            "2023-12-31",
            "2023-12-31",
        )
        pending = client.get(f"/api/v1/unions/{u['jiujiang'].pk}/indicators")
    assert pending.status_code == 202
    assert pending.json()["pending"] is True and pending.json()["indicators"] == []
    assert pending.json()["node"] == "鸠江区总工会"


def test_daily_refresh_of_every_node_equals_each_nodes_own_count(reg, monkeypatch):
    """The nightly refresh counts all federation nodes in one set-based pass (``subtree_totals``, rolled
    up by path prefix); each stored result equals that node's figures counted over its own subtree —
    with a member held by a city federation itself, a retained and a resigned member, a closed workplace
    and a revoked grassroots union in the registry."""
    from gonghui.members.models import Member, MemberStatus
    from gonghui.orgs.models import UnionOrg

    u, w, m = reg.unions, reg.workplaces, reg.members
    today = timezone.localdate()
    Member.objects.filter(pk=m["jinghu_2"].pk).update(union=u["wuhu"])  # a city's holding pool
    Member.objects.filter(pk=m["jiujiang_1"].pk).update(status=MemberStatus.RETAINED)
    Member.objects.filter(pk=m["jinghu_1"].pk).update(status=MemberStatus.EXITED)
    w["jiujiang_small0"].closed_on = today - dt.timedelta(days=1)
    w["jiujiang_small0"].save()
    UnionOrg.objects.filter(pk=u["jiujiang_b"].pk).update(status=UnionOrg.Status.REVOKED)
    nodes = [u[k] for k in ("province", "wuhu", "hefei", "jinghu", "jiujiang", "zone")]
    own = {node.pk: indicators.compute(node, today) for node in nodes}

    def per_node(*args, **kwargs):
        raise AssertionError("the refresh counted a node's subtree on its own")

    monkeypatch.setattr(indicators, "grouped", per_node)
    assert indicators.refresh_results(nodes=nodes) == len(nodes)
    for node in nodes:
        assert IndicatorResult.objects.get(node=node, day=today).values == own[node.pk], node.name
    wuhu = own[u["wuhu"].pk]
    members = next(i for i in wuhu["indicators"] if i["code"] == "membership_rate_all")
    assert members["total"]["num"] == 3  # the pool's member and the retained one count; the exited not
    assert wuhu["grassroots_unions"] == 2  # 镜湖甲 and the joint union; 鸠江乙 revoked


def test_subtree_totals_of_nested_nodes_equal_the_per_node_counts(reg):
    """Nodes nested in one another (a city and its county) are counted once, each from its own totals."""
    u = reg.unions
    today = timezone.localdate()
    nodes = [u["jiujiang"], u["wuhu"]]
    totals = indicators.subtree_totals(nodes, today)
    assert u["hefei"].path not in totals and u["province"].path not in totals  # outside the subtrees
    for node in nodes:
        fast, own = indicators.raw_counts(node, today, totals), indicators.raw_counts(node, today)
        assert list(fast) == list(own)  # the sub-units in the page's order, then the node itself
        assert {p: {k: v for k, v in c.items() if v} for p, c in fast.items()} == {
            p: {k: v for k, v in c.items() if v} for p, c in own.items()
        }
        assert fast[""]["members"] >= 1
