"""The member list's keyset pagination (core.keyset, issue 18): numbered pages while cheap, then 上一页 /
下一页 by a signed cursor; no row skipped or repeated while members join between requests; a stable
order among members who joined on the same day; the user's scope and the filters kept in every link."""

import datetime as dt
import html
import re

import pytest

from gonghui.core import keyset
from gonghui.members.models import Member, MemberStatus
from tests.factories import PASSWORD, make_id

pytestmark = pytest.mark.django_db

PER_PAGE = 3  # 5 numbered pages of 3 rows, then cursors
SAME_DAY = dt.date(2024, 5, 1)
OLDEST = dt.date(2010, 1, 1)  # before every member of the registry


def _add(union, n: int, start: int, date=SAME_DAY, **fields) -> list[Member]:
    rows = []
    for i in range(start, start + n):
        member = Member(name=f"会员{i}", union=union, join_date=date, birth_date=dt.date(1990, 1, 1), sex="M")
        member.set_id_number(make_id("340202", dt.date(1990, 1, 1), i % 1000))
        member.id_hash = f"h{i}"  # distinct people
        for name, value in fields.items():
            setattr(member, name, value)
        rows.append(member)
    return Member.objects.bulk_create(rows)


def _links(response) -> dict[str, str]:
    text = response.content.decode()
    nav = text[text.find('id="keyset-pagination"') :]
    found = {}
    for rel in ("prev", "next"):
        match = re.search(rf'href="([^"]+)" rel="{rel}"', nav)
        if match:
            found[rel] = html.unescape(match.group(1))
    return found


def _ids(response) -> list[int]:
    return [m.pk for m in response.context["table"].data.data]


def _walk(client, url: str, between=None, limit: int = 100) -> tuple[list[int], list[str]]:
    """Follow 下一页 to the end; ``between(step)`` runs before each next request."""
    seen: list[int] = []
    urls = [url]
    for step in range(limit):
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        seen.extend(_ids(response))
        nxt = _links(response).get("next")
        if not nxt:
            return seen, urls
        url = "/members/" + nxt
        urls.append(url)
        if between:
            between(step)
    raise AssertionError("翻页没有结束")


@pytest.fixture
def jinghu_client(client, registry):
    assert client.login(username="t-jinghu", password=PASSWORD)
    return client


def test_walk_covers_every_row_once_in_keyset_order_with_ties(jinghu_client, registry):
    # 40 members on one day (ties broken by pk) and 10 on other days, in 镜湖 and beside it in 鸠江.
    _add(registry.unions["jinghu_a"], 40, 1000)
    _add(registry.unions["jinghu_a"], 10, 2000, date=dt.date(2020, 1, 1))
    _add(registry.unions["jiujiang_b"], 30, 3000)
    seen, urls = _walk(jinghu_client, f"/members/?per_page={PER_PAGE}")
    expected = list(
        Member.objects.filter(union__path__startswith=registry.unions["jinghu"].path)
        .order_by("-join_date", "-pk")
        .values_list("pk", flat=True)
    )
    assert seen == expected
    assert len(seen) == len(set(seen))
    assert all("after=" in u for u in urls[1:])
    # Scope: no page of the county user shows a member of another county.
    assert (
        not Member.objects.filter(pk__in=seen)
        .exclude(union__path__startswith=registry.unions["jinghu"].path)
        .exists()
    )


def test_rows_inserted_between_requests_are_neither_skipped_nor_repeated(jinghu_client, registry):
    _add(registry.unions["jinghu_a"], 45, 1000)
    before = set(Member.objects.values_list("pk", flat=True))
    added: list[int] = []

    def insert(step: int) -> None:
        # Newer members join (they sort before every page already read), and each step one older than
        # any before it (it sorts after the cursor, wherever the walk is).
        added.extend(m.pk for m in _add(registry.unions["jinghu_a"], 2, 5000 + step * 10))
        older = OLDEST - dt.timedelta(days=step)
        added.extend(m.pk for m in _add(registry.unions["jinghu_a"], 1, 7000 + step, date=older))

    seen, urls = _walk(jinghu_client, f"/members/?per_page={PER_PAGE}", between=insert)
    assert len(seen) == len(set(seen)), "a row was shown twice"
    in_scope = set(
        Member.objects.filter(
            pk__in=before, union__path__startswith=registry.unions["jinghu"].path
        ).values_list("pk", flat=True)
    )
    assert in_scope <= set(seen), "a row present from the start was skipped"
    # The older members inserted while walking lie after the cursor: the walk reaches them all.
    old = set(Member.objects.filter(pk__in=added, join_date__lte=OLDEST).values_list("pk", flat=True))
    assert old and old <= set(seen)
    # And the newer ones, inserted before pages already read, are not shown (the walk went on from its
    # cursor instead of shifting by an offset).
    assert not set(added) - old & set(seen)
    assert any("after=" in u for u in urls)


def test_previous_page_is_the_page_before(jinghu_client, registry):
    _add(registry.unions["jinghu_a"], 40, 1000)
    pages = []
    url = f"/members/?per_page={PER_PAGE}"
    for _ in range(8):
        response = jinghu_client.get(url)
        pages.append((_ids(response), _links(response)))
        url = "/members/" + pages[-1][1]["next"]
    # Page 8 → 上一页 is page 7, then page 6 (by cursor), and they say so.
    back = jinghu_client.get("/members/" + pages[7][1]["prev"])
    assert "before=" in pages[7][1]["prev"]
    assert _ids(back) == pages[6][0]
    assert back.context["keyset_page"].number == 7 and "第 7 页" in back.content.decode()
    back2 = jinghu_client.get("/members/" + _links(back)["prev"])
    assert _ids(back2) == pages[5][0]
    # A numbered page (a jump) is the same rows as the walk reached.
    assert _ids(jinghu_client.get(f"/members/?per_page={PER_PAGE}&page=4")) == pages[3][0]
    assert "prev" not in pages[0][1]


def test_filters_and_scope_kept_in_links(jinghu_client, registry):
    _add(registry.unions["jinghu_a"], 30, 1000, status=MemberStatus.RETAINED)
    _add(registry.unions["jinghu_a"], 30, 2000)  # active: filtered out
    _add(registry.unions["jiujiang_b"], 30, 3000, status=MemberStatus.RETAINED)  # another county
    union = registry.unions["jinghu_street"].pk
    start = (
        f"/members/?status=retained&union={union}&joined_from=2024-01-01&joined_to=2024-12-31"
        f"&q=会员1&per_page={PER_PAGE}"  # 3 characters: contains (pg_trgm)
    )
    seen, urls = _walk(jinghu_client, start)
    for url in urls[1:]:
        for part in (
            "status=retained",
            f"union={union}",
            "joined_from=2024-01-01",
            "joined_to=2024-12-31",
            "q=%E4%BC%9A%E5%91%981",
        ):
            assert part in url, (part, url)
    rows = Member.objects.filter(pk__in=seen)
    assert (
        len(seen)
        == 30
        == rows.filter(status=MemberStatus.RETAINED, union=registry.unions["jinghu_a"]).count()
    )


def test_county_user_with_a_cursor_of_another_page_still_sees_only_its_county(client, registry):
    _add(registry.unions["jinghu_a"], 20, 1000)
    _add(registry.unions["jiujiang_b"], 20, 3000)
    assert client.login(username="t-wuhu", password=PASSWORD)
    response = client.get(f"/members/?per_page={PER_PAGE}&page=5")
    cursor = _links(response)["next"]  # made for the city user
    client.logout()
    assert client.login(username="t-jiujiang", password=PASSWORD)
    seen, _ = _walk(client, "/members/" + cursor)
    assert seen
    assert (
        not Member.objects.filter(pk__in=seen)
        .exclude(union__path__startswith=registry.unions["jiujiang"].path)
        .exists()
    )


@pytest.mark.parametrize(
    "param",
    ["after=abc", "before=%E4%BD%A0%E5%A5%BD", "after=W10:1abc:def", "after=x&before=y"],
)
def test_malformed_cursor_is_400_in_chinese(jinghu_client, param):
    response = jinghu_client.get(f"/members/?{param}")
    assert response.status_code == 400
    text = response.content.decode()
    assert "翻页参数" in text


def test_tampered_cursor_is_400(jinghu_client, registry):
    _add(registry.unions["jinghu_a"], 20, 1000)
    nxt = _links(jinghu_client.get(f"/members/?per_page={PER_PAGE}&page=5"))["next"]
    raw = re.search(r"after=([^&]+)", nxt).group(1)
    forged = raw.replace("2024", "2025", 1) if "2024" in raw else raw[:-2] + "xx"
    assert jinghu_client.get(f"/members/?after={forged}").status_code == 400


def test_user_sort_falls_back_to_numbered_pages(jinghu_client, registry):
    _add(registry.unions["jinghu_a"], 20, 1000)
    response = jinghu_client.get(f"/members/?sort=name&per_page={PER_PAGE}&page=6")
    assert response.status_code == 200
    assert response.context["keyset_page"] is None
    assert response.context["table"].page.number == 6
    # The reverse of the list's order is still keyset (the same index, read the other way).
    asc = jinghu_client.get(f"/members/?sort=join_date&per_page={PER_PAGE}")
    assert asc.context["keyset_page"] is not None
    jinghu = Member.objects.filter(union__path__startswith=registry.unions["jinghu"].path)
    oldest_first = list(jinghu.order_by("join_date", "pk").values_list("pk", flat=True)[:PER_PAGE])
    assert _ids(asc) == oldest_first
    # The header clicked on a cursor page (the cursor of the other direction kept in the link): page 1.
    nxt = _links(jinghu_client.get(f"/members/?per_page={PER_PAGE}"))["next"]
    flipped = jinghu_client.get("/members/" + nxt + "&sort=join_date")
    assert flipped.status_code == 200 and _ids(flipped) == oldest_first


def test_cursor_round_trip_and_order_checks():
    member = Member(pk=7, join_date=SAME_DAY)
    order = ("-join_date", "-pk")
    assert keyset.decode(keyset.encode(member, order, 3), Member, order) == ([SAME_DAY, 7], 3)
    with pytest.raises(keyset.ParamError):
        keyset.decode(keyset.encode(member, order, 3), Member, ("join_date", "pk"))  # another order's
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        keyset.check_order(("-join_date",))
    with pytest.raises(ImproperlyConfigured):
        keyset.check_order(("-join_date", "pk"))


@pytest.mark.parametrize(
    "payload", [["昨天", 1, 1], [SAME_DAY.isoformat(), 2**70, 1], [SAME_DAY.isoformat(), 1, 0]]
)
def test_signed_cursor_with_bad_values_is_400(jinghu_client, payload):
    from django.core import signing

    raw = signing.dumps(payload, salt=keyset._salt(Member, ("-join_date", "-pk")), compress=False)
    response = jinghu_client.get(f"/members/?after={raw}")
    assert response.status_code == 400
    assert "翻页参数" in response.content.decode()


def test_every_page_heads_its_columns_in_chinese(jinghu_client, registry):
    """The rows of a keyset page still name their model: django-tables2 takes the headers from the
    fields' verbose names (a bare list gave 「Join date」)."""
    _add(registry.unions["jinghu_a"], 20, 4000)
    first = jinghu_client.get(f"/members/?per_page={PER_PAGE}")
    later = jinghu_client.get("/members/" + _links(first)["next"])
    for response in (first, later):
        head = response.content.decode().split("<thead", 1)[1].split("</thead>", 1)[0]
        assert "入会日期" in head and "姓名" in head
        assert re.findall(r">\s*([A-Za-z][A-Za-z ]*)\s*<", head) == []  # no English header
