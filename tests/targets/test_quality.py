"""The data-quality board: each count is the number of rows of its drill-down, scoped to the user's
subtree; a rate above 100 % is on the board and beside the indicator it distorts."""

import datetime as dt
import re

import pytest

from gonghui.accounts.models import Role, User
from gonghui.orgs.models import UnionKind, UnionOrg
from gonghui.targets import quality
from gonghui.targets.services import seed_reference
from tests.factories import PASSWORD, make_id

pytestmark = pytest.mark.django_db

DB_CHECKS = [c.code for c in quality.CHECKS if c.rows is not None]


@pytest.fixture
def flawed(registry):
    """Every flaw once in 镜湖区 and once in 鸠江区."""
    seed_reference()
    u, w = registry.unions, registry.workplaces
    recent = dt.date.today() - dt.timedelta(days=30)
    # 镜湖甲: one employee registered, two members there (and two more in its union without a workplace)
    # → 镜湖区's 入会率 = 4 / 1 = 400 %.
    number = make_id("340202", dt.date(1982, 3, 3), 33)
    registry.join("jinghu_3", "jinghu_a", "孙镜三", number, workplace=w["jinghu_a"], date=recent)
    w["jinghu_a"].employee_count = 1
    w["jinghu_a"].save()
    w["jiujiang_small0"].employee_count = 0  # no employees registered, no member there: zero, not over
    w["jiujiang_small0"].save()
    # One member at 鸠江乙, whose count of employees is 0: over and zero at once.
    w["jiujiang_b"].employee_count = 0
    w["jiujiang_b"].save()
    for county in ("jinghu", "jiujiang"):
        UnionOrg.objects.create(
            name=f"{u[county].name[:3]}无单位工会委员会",
            kind=UnionKind.COMMITTEE,
            parent=u[county],
            region=u[county].region,
        )
    for key in ("jinghu_a", "jiujiang_b"):
        u[key].term_start, u[key].term_years = dt.date(2015, 3, 1), 5  # due 2020: overdue
        u[key].save()
    # A first-generation 15-digit ID, upgraded on entry (the import's row-level ID warning).
    # Recent joins: 镜湖甲 and 鸠江乙 have member changes within 3 years, the joint union (2023) may not.
    registry.join("old_jinghu", "jinghu_a", "钱镜老", "340202550505123", date=recent)
    registry.join("old_jiujiang", "jiujiang_b", "吴鸠老", "340207560606124", date=recent)
    return registry


def drill_rows(body: str) -> int:
    table = body[body.index('id="quality-rows"') :]
    table = table[: table.index("</table>")]
    return len(re.findall(r"<tr><td(?! colspan)", table))


def board_counts(client, node) -> dict[str, int]:
    body = client.get(f"/targets/quality/?node={node.pk}").content.decode()
    return {
        code: int(re.search(rf'id="q-{code}".*?class="quality-count">(\d+)<', body, re.S).group(1))
        for code in [c.code for c in quality.CHECKS]
    }


def test_a_rate_above_100_is_on_the_board_and_beside_its_indicator(client, flawed):
    wuhu = flawed.unions["wuhu"]
    assert client.login(username="t-wuhu", password=PASSWORD)
    counts = board_counts(client, wuhu)
    assert counts["rates_out_of_range"] >= 1
    body = client.get(f"/targets/quality/{wuhu.pk}/rates_out_of_range/").content.decode()
    assert "职工入会率（口径二" in body and "镜湖区总工会" in body and "400.0%" in body
    assert drill_rows(body) == counts["rates_out_of_range"]

    # The indicator page: a warning badge with the count, linking to the drill-down, beside 口径二.
    page = client.get(f"/targets/indicators/?node={wuhu.pk}").content.decode()
    section = page[page.index('id="membership_rate_unionised"') :]
    section = section[: section.index("</h2>")]
    assert "quality-flag" in section and f"/targets/quality/{wuhu.pk}/rates_out_of_range/" in section
    assert f"/targets/quality/{wuhu.pk}/members_over_employees/" in section
    # … and the overdue elections beside 换届按期率, and a link from the page to the board.
    election = page[page.index('id="election_on_time"') :]
    assert f"/targets/quality/{wuhu.pk}/overdue_elections/" in election[: election.index("</h2>")]
    assert f'href="/targets/quality/?node={wuhu.pk}"' in page


def test_each_count_equals_its_drill_down_and_is_scoped(client, flawed):
    u = flawed.unions
    assert client.login(username="t-wuhu", password=PASSWORD)
    wuhu, per_county = board_counts(client, u["wuhu"]), {}
    for county in ("jinghu", "jiujiang"):
        per_county[county] = board_counts(client, u[county])
    for code in DB_CHECKS:
        # The city sees both counties' rows (nothing under 经开区 is flawed); each count is its list.
        assert wuhu[code] == per_county["jinghu"][code] + per_county["jiujiang"][code], code
        for node in (u["wuhu"], u["jinghu"], u["jiujiang"]):
            body = client.get(f"/targets/quality/{node.pk}/{code}/").content.decode()
            shown = board_counts(client, node)[code]
            assert drill_rows(body) == shown == int(re.search(r'id="drill-total">(\d+)<', body).group(1)), (
                code
            )
    assert wuhu["members_over_employees"] == 2  # 镜湖甲 2 > 1, 鸠江乙 1 > 0
    assert wuhu["zero_employees"] == 2 and wuhu["unions_without_workplace"] == 2
    assert wuhu["overdue_elections"] == 2 and wuhu["id_warnings"] == 2
    assert per_county["jinghu"]["unions_without_workplace"] == 1
    if dt.date.today() - dt.timedelta(days=3 * 365) > dt.date(2023, 3, 1):  # the registry's joins
        # the two new unions (no member ever) and the joint union (its only join in 2023)
        assert wuhu["stale_unions"] == 3

    # A county user: their own subtree by default; another county's board and lists are 404.
    client.logout()
    assert client.login(username="t-jinghu", password=PASSWORD)
    own = client.get("/targets/quality/").content.decode()
    assert "镜湖区总工会 · 数据质量" in own
    for code in DB_CHECKS:
        assert client.get(f"/targets/quality/{u['jiujiang'].pk}/{code}/").status_code == 404
        assert client.get(f"/targets/quality/{u['wuhu'].pk}/{code}/").status_code == 404
        body = client.get(f"/targets/quality/{u['jinghu'].pk}/{code}/").content.decode()
        assert "鸠江" not in body.split('id="quality-rows"')[1], code
    assert client.get(f"/targets/quality/?node={u['jiujiang'].pk}").status_code == 404
    assert client.get("/targets/quality/?node=abc").status_code == 400  # malformed: core.params
    assert client.get(f"/targets/quality/{u['jinghu'].pk}/nonsense/").status_code == 404


def test_a_user_without_a_union_sees_no_board(client, flawed):
    User.objects.create_user("t-nobody", password=PASSWORD, role=Role.READONLY)
    assert client.login(username="t-nobody", password=PASSWORD)
    assert client.get("/targets/quality/").status_code in (403, 404)
    node = flawed.unions["jinghu"].pk
    assert client.get(f"/targets/quality/{node}/zero_employees/").status_code in (403, 404)


def test_board_is_in_the_navigation(client, flawed):
    assert client.login(username="t-viewer", password=PASSWORD)
    home = client.get("/").content.decode()
    assert 'href="/targets/quality/"' in home and "数据质量" in home


def test_each_count_is_one_query(flawed, django_assert_max_num_queries):
    with django_assert_max_num_queries(len(quality.DB_CHECKS)):
        counts = quality.live_counts(flawed.unions["wuhu"])
    assert counts["overdue_elections"] == 2


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_a_large_node_reads_stored_counts_never_counting_on_the_request(client, flawed, monkeypatch):
    """As the indicators: above LIVE_LIMIT members the board reads the daily counts (refresh_targets), or
    says 计算中 while the background task counts; the drill-down still lists live."""
    from django.core.cache import cache
    from django.test import override_settings

    from gonghui.targets import indicators
    from gonghui.targets.models import QualityResult

    cache.clear()
    wuhu = flawed.unions["wuhu"]
    monkeypatch.setattr(indicators, "LIVE_LIMIT", 0)
    live = quality.live_counts(wuhu)
    real = quality.live_counts

    def refuse(*args, **kwargs):
        raise AssertionError("a request counted a large subtree live")

    monkeypatch.setattr(quality, "live_counts", refuse)
    assert client.login(username="t-wuhu", password=PASSWORD)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        body = client.get(f"/targets/quality/?node={wuhu.pk}").content.decode()
    assert "计算中" in body and not QualityResult.objects.exists()
    monkeypatch.setattr(quality, "live_counts", real)
    cache.clear()
    with override_settings(TASKS=IMMEDIATE):
        client.get(f"/targets/quality/?node={wuhu.pk}")  # the task stores today's counts
    assert QualityResult.objects.get(node=wuhu).counts == live
    monkeypatch.setattr(quality, "live_counts", refuse)
    counts = board_counts(client, wuhu)
    assert (
        all(counts[code] == live[code] for code in live)
        and "每日计算结果" in client.get(f"/targets/quality/?node={wuhu.pk}").content.decode()
    )
    # The indicator page's badges read the same stored counts.
    page = client.get(f"/targets/indicators/?node={wuhu.pk}").content.decode()
    assert f"/targets/quality/{wuhu.pk}/overdue_elections/" in page


def test_a_numerator_over_a_denominator_of_0_is_out_of_range():
    figures = {
        "indicators": [
            {
                "code": "membership_rate_all",
                "name": "职工入会率（口径一：占全部职工）",
                "total": {"num": 5, "den": 10, "rate": 50.0},
                "rows": [
                    {"union_id": 1, "name": "行业工会联合会", "num": 5, "den": 0, "rate": None},
                    {"union_id": 2, "name": "空的县", "num": 0, "den": 0, "rate": None},
                    {"union_id": 3, "name": "多的县", "num": 3, "den": 2, "rate": 150.0},
                ],
            }
        ]
    }
    assert [r["unit"] for r in quality.out_of_range(figures)] == ["行业工会联合会", "多的县"]


def test_the_nightly_refresh_counts_every_node_at_once_equal_to_its_own_counts(flawed, monkeypatch):
    """refresh_results of several nodes (nested: the province, its cities and counties) stores, for each,
    what counting its own subtree gives — in one pass per check, never a node's subtree alone."""
    from gonghui.targets.models import QualityResult

    u = flawed.unions
    nodes = [u[k] for k in ("province", "wuhu", "hefei", "jinghu", "jiujiang")]
    own = {node.pk: quality.live_counts(node) for node in nodes}
    assert own[u["province"].pk]["overdue_elections"] == 2 and own[u["jinghu"].pk]["overdue_elections"] == 1
    monkeypatch.setattr(quality, "live_counts", lambda *a, **k: pytest.fail("counted one node's subtree"))
    assert quality.refresh_results(nodes=nodes) == len(nodes)
    for node in nodes:
        assert QualityResult.objects.get(node=node).counts == own[node.pk], node.name
    assert sum(QualityResult.objects.get(node=u["hefei"]).counts.values()) == 0
