"""Keyword (contains) search on workplace, union and member names in list pages and pickers, list
totals (exact below a cap, 「超过 N 条」 above it), and an ID search with too few digits that says why it
found nothing."""

import re

import pytest
from django.db import connection

from gonghui.core import search
from gonghui.members.models import Member
from gonghui.orgs.models import UnionOrg, Workplace

pytestmark = pytest.mark.django_db


def _names(page: str) -> list[str]:
    return re.findall(r'<a href="/[^"]+/\d+/">([^<]+)</a>', page)


def test_keyword_inside_the_name_finds_it_in_list_pages(client, registry, as_user):
    as_user("wuhu", client)
    unions = client.get("/orgs/unions/?q=方村").content.decode()
    assert "镜湖区方村街道总工会" in _names(unions)
    assert "共 1 条" in unions
    workplaces = client.get("/orgs/workplaces/?q=小微").content.decode()
    assert {"鸠江小微0号店", "鸠江小微1号店", "鸠江小微2号店"} <= set(_names(workplaces))
    assert "共 3 条" in workplaces
    member = registry.members["jiujiang_1"]
    Member.objects.filter(pk=member.pk).update(name="王鸠一号")
    assert "王鸠一号" in client.get("/members/?q=鸠一号").content.decode()  # 3 characters inside the name
    # Full-width and case are folded: ＡＢＣ finds abc.
    Workplace.objects.filter(pk=registry.workplaces["jiujiang_none"].pk).update(name="鸠江abc科技公司")
    assert "鸠江abc科技公司" in client.get("/orgs/workplaces/?q=ＡＢＣ").content.decode()


def test_pickers_search_inside_names(client, registry, as_user):
    as_user("wuhu", client)
    data = client.get("/autocomplete/?source=unions&q=方村").json()
    assert [r["text"] for r in data["results"]] == ["镜湖区方村街道总工会"]
    data = client.get("/autocomplete/?source=workplaces&q=甲公").json()
    assert [r["text"].split("（")[0] for r in data["results"]] == ["镜湖甲公司"]
    # Still scoped: 镜湖区 cannot find 鸠江区's unions by keyword.
    client.logout()
    as_user("jinghu", client)
    assert client.get("/autocomplete/?source=unions&q=鸠江").json()["results"] == []


def test_totals_are_exact_below_the_cap_and_capped_above(client, registry, monkeypatch, as_user):
    as_user("wuhu", client)
    page = client.get("/orgs/unions/").content.decode()
    visible = UnionOrg.objects.visible_to(registry.users["wuhu"]).count()
    assert f"共 {visible} 条" in page
    monkeypatch.setattr(search, "TOTAL_CAP", 3)
    page = client.get("/orgs/unions/").content.decode()
    assert "超过 3 条" in page and f"共 {visible} 条" not in page
    assert search.count_capped(UnionOrg.objects.all(), 100) == (UnionOrg.objects.count(), True)
    assert search.count_capped(UnionOrg.objects.all(), 2) == (2, False)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("3402021980", "请输入完整的 11 位手机号或 18 位身份证号后查询（收到 10 位）"),
        ("34020219800101", "请输入完整的 18 位身份证号（或 15 位旧号）后查询（收到 14 位）"),
        ("3402021980010112", "请输入完整的 18 位身份证号（或 15 位旧号）后查询（收到 16 位）"),
        ("340202", "按号码查询须输入完整的 18 位身份证号（或 15 位旧号）或 11 位手机号"),
    ],
)
def test_partial_id_number_says_why_nothing_was_found(client, registry, query, message, as_user):
    as_user("wuhu", client)
    page = client.get(f"/members/?q={query}").content.decode()
    assert message in page
    assert "共 0 条" in page


def test_full_id_number_still_finds_the_member(client, registry, as_user):
    as_user("wuhu", client)
    member = registry.members["jiujiang_1"]
    page = client.get(f"/members/?q={member.id_number}").content.decode()
    assert member.name in page and "共 1 条" in page and "请输入完整" not in page


def test_trigram_indexes_serve_the_keyword_search(registry, on_postgres):
    """On PostgreSQL the contains-search of three characters or more is answered from the pg_trgm index."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%_name_trgm"])
        assert {r[0] for r in cursor.fetchall()} == {
            "workplace_name_trgm",
            "unionorg_name_trgm",
            "member_name_trgm",
        }
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: make the planner show its index
        for model, index in (
            (UnionOrg, "unionorg_name_trgm"),
            (Workplace, "workplace_name_trgm"),
            (Member, "member_name_trgm"),
        ):
            plan = search.name_contains(model.objects.order_by(), "name", "方村街道").explain()
            assert index in plan, plan


def test_short_member_names_match_the_start_longer_ones_anywhere(client, registry, as_user):
    as_user("wuhu", client)
    member = registry.members["jiujiang_1"]  # 王鸠一
    assert member.name in client.get(f"/members/?q={member.name[:2]}").content.decode()  # 王鸠: the start
    assert member.name not in client.get(f"/members/?q={member.name[1:]}").content.decode()  # 鸠一: not
    Member.objects.filter(pk=member.pk).update(name="欧阳鸠一")
    assert "欧阳鸠一" in client.get("/members/?q=阳鸠一").content.decode()  # 3 characters: anywhere


def test_number_search_needs_the_right_and_is_audited(client, registry, as_user):
    """An exact-number search is an oracle for the digits behind a mask (the birth year stands beside
    it): without 查看敏感信息 it finds nothing and says why; with it, each search is audited."""
    from gonghui.core.models import AuditEvent

    member = registry.members["jiujiang_1"]
    as_user("viewer", client)
    for query in (member.id_number, member.phone):
        page = client.get(f"/members/?q={query}").content.decode()
        assert "需要「查看敏感信息」权限" in page and member.name not in page.split("共 0 条")[1]
    api = client.get(f"/api/v1/members?q={member.id_number}").json()
    assert api["count"] == 0 if "count" in api else api["items"] == []
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).exists()
    client.logout()
    as_user("wuhu", client)
    page = client.get(f"/members/?q={member.id_number}").content.decode()
    assert member.name in page
    event = AuditEvent.objects.get(action=AuditEvent.Action.REVEAL)
    assert (
        event.username == "t-wuhu"
        and member.id_masked in event.detail
        and member.id_number not in event.detail
    )


def test_the_planner_estimate_is_asked_on_postgresql_only(registry):
    estimate = search.estimated_rows(UnionOrg.objects.all())
    if connection.vendor == "postgresql":
        assert isinstance(estimate, int) and estimate >= 1
    else:
        assert estimate is None
    assert search.estimated_rows(UnionOrg.objects.none()) == 0
    # A small table: counted with the page.
    assert search.inline_total(UnionOrg.objects.all()) == (UnionOrg.objects.count(), True)


def test_a_list_the_planner_guessed_short_is_counted_after_its_rows(registry, monkeypatch):
    """Correlated filters: the planner expects few rows, more than INLINE_TOTAL_ESTIMATE match. The inline
    count stops at the estimate's limit (it never counts to TOTAL_CAP before the page is sent) and the
    total is left to the second request; a list that really is short is counted inline, exactly."""
    monkeypatch.setattr(search, "estimated_rows", lambda qs: 1)
    unions = UnionOrg.objects.all()
    total = unions.count()
    assert total >= 3
    monkeypatch.setattr(search, "INLINE_TOTAL_ESTIMATE", total - 1)
    counted: list[int] = []
    real_count = search.count_capped
    monkeypatch.setattr(
        search, "count_capped", lambda qs, cap=None: counted.append(cap) or real_count(qs, cap)
    )
    assert search.inline_total(unions) is None and counted == [total - 1]
    monkeypatch.setattr(search, "INLINE_TOTAL_ESTIMATE", total)
    assert search.inline_total(unions) == (total, True)


def test_a_long_list_shows_its_rows_first_and_counts_them_in_a_second_request(
    client, registry, monkeypatch, as_user
):
    monkeypatch.setattr(search, "estimated_rows", lambda qs: 10**6)
    as_user("wuhu", client)
    page = client.get("/members/?status=active&after=&sort=-join_date").content.decode()
    assert "正在统计条数…" in page and "共 " not in page.split('id="list-total"')[1].split("</div>")[0]
    url = re.search(r'id="list-total" hx-get="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert url.startswith("/members/?") and "total=1" in url and "after" not in url and "sort" not in url
    fragment = client.get(url).content.decode()
    visible = Member.objects.visible_to(registry.users["wuhu"]).filter(status="active").count()
    assert visible > 0
    assert f"共 {visible} 条" in fragment and "<html" not in fragment and "hx-get" not in fragment
    # The second request keeps the user's scope: 镜湖区 counts its own members only.
    client.logout()
    as_user("jinghu", client)
    own = Member.objects.visible_to(registry.users["jinghu"]).filter(status="active").count()
    assert own < visible
    assert f"共 {own} 条" in client.get(url).content.decode()
    # And the login: no count for an anonymous request.
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "共 " not in response.content.decode()


def test_a_condition_that_matches_nothing_is_estimated_at_zero_rows(registry):
    # An integer beyond the column's range compiles to "no rows" without a query: nothing to explain.
    # (SQLite has no planner to ask: no estimate at all.)
    expected = 0 if connection.vendor == "postgresql" else None
    assert search.estimated_rows(UnionOrg.objects.filter(pk=10**30)) == expected
