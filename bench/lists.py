"""List bench (issue 18): the member list at province scale — 10 M members, 100 k grassroots unions (the
search bench's generator, ``bench.search._generate``) — for a province, a city and a county
administrator, timed as the user waits for it: a production gunicorn worker (``bench._http.served``)
answering over loopback, median of N, everything included (session, scope, the planner's estimate or
the capped total, rendering). The SQL of each page is timed in this process beside it (the page's own
queries, through the Django test client).

Cases per user: the first page; a deep page reached by keyset (a cursor at 80 % of the user's members,
what 下一页 leads to after a long walk); the first page with filters (a union subtree below the user,
会籍状态, 农民工, a join-date range) and a deep page with them; a keyword (3 characters, pg_trgm); and the
filtered list's total, which a long list counts in a second request after its rows are shown
(``?total=1``, core.search.inline_total).
Baselines, same run, same data, in this process (they switch a class attribute and a planner setting): the
same deep page by OFFSET (the list before keyset: ``keyset_order`` switched off, ``?page=N``) against the
keyset deep page timed the same way, and the keyword with the planner denied bitmap scans (the plain
``icontains`` scan, no trigram index).

Database: ``gonghui_bench_lists`` (``…_quick`` with --quick: 200 k members, 2 k unions); a second run of
the same size reuses the data.
"""

from __future__ import annotations

import os
import statistics
import time
import urllib.parse

from bench import _http as http
from bench._http import page_client
from bench._report import emit
from bench.search import _generate, _switch_database

DB_NAME = "gonghui_bench_lists"
DEEP_SHARE = 0.8  # the deep page: this far into the user's list
PASSWORD = "bench-pass-123"


def run(args) -> None:
    from django.core.management import call_command

    _switch_database(DB_NAME + ("_quick" if args.quick else ""))
    call_command("migrate", verbosity=0)
    members, unions = (200_000, 2_000) if args.quick else (10_000_000, 100_000)
    _generate(members, unions)
    from django.db import connection

    with connection.cursor() as c:
        # Freshly bulk-loaded rows have no visibility map yet (autovacuum sets it on a live server): without
        # it no index-only scan, and the capped total of a county reads the whole member table.
        c.execute("VACUUM (ANALYZE) members_member")
        c.execute("VACUUM (ANALYZE) orgs_unionorg")

    from gonghui.accounts.models import Role, User
    from gonghui.core import keyset
    from gonghui.members.models import Member
    from gonghui.members.views import MemberListView
    from gonghui.orgs.models import UnionOrg

    n = 5 if args.quick else 9
    per_page = MemberListView.paginate_by
    order = MemberListView.keyset_order
    full_name = Member.objects.filter(name__regex=r"^...$").values_list("name", flat=True).first() or "张秀英"
    filters = "status=active&is_migrant_worker=true&joined_from=2022-01-01&joined_to=2025-06-30"

    def timed(client, url: str, runs: int) -> tuple[float, float]:
        """Median server time of the page and median time of its SQL (the page's own queries, what the
        pagination changes; the rest is rendering, which a busy shared machine inflates)."""
        from django.test.utils import CaptureQueriesContext

        assert client.get(url).status_code == 200, url  # warm up
        pages, sql = [], []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(url)
                pages.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            sql.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        return statistics.median(pages), statistics.median(sql)

    def deep_cursor(rows, number: int) -> str:
        """?after=… at ``DEEP_SHARE`` of the rows (one OFFSET query, outside the timing)."""
        count = rows.count()
        offset = max(0, int(count * DEEP_SHARE))
        row = rows.order_by(*order)[offset : offset + 1].first()
        return keyset.encode(row, order, number) if row is not None else ""

    results: dict[str, dict[str, float]] = {}
    sql_results: dict[str, dict[str, float]] = {}
    load_before = os.getloadavg()
    with http.served(http.current_database_url()) as base:
        for label, depth, role in (
            ("province", 0, Role.PROVINCE_ADMIN),
            ("city", 1, Role.CITY_ADMIN),
            ("county", 2, Role.COUNTY_ADMIN),
        ):
            node = UnionOrg.objects.filter(depth=depth).order_by("id").first()
            assert node is not None, "没有生成工会层级"
            below = (
                UnionOrg.objects.filter(depth=depth + 1, path__startswith=node.path).order_by("id").first()
            )
            assert below is not None, "没有下级工会"
            username = f"bench-lists-{label}"
            user = User.objects.filter(username=username).first() or User.objects.create_user(
                username, password=PASSWORD, union=node, role=role
            )
            User.objects.filter(pk=user.pk).update(union=node, role=role)
            client = page_client(user)
            cookie = http.login(base, username, PASSWORD)
            scope = Member.objects.filter(union__path__startswith=node.path)
            filtered = scope.filter(
                union__path__startswith=below.path,
                status="active",
                is_migrant_worker=True,
                join_date__gte="2022-01-01",
                join_date__lte="2025-06-30",
            )
            scope_count = scope.count()
            deep_page = max(1, int(scope_count * DEEP_SHARE) // per_page)
            cursor = deep_cursor(scope, deep_page)
            cursor_f = deep_cursor(filtered, max(1, int(filtered.count() * DEEP_SHARE) // per_page))
            urls = {
                "first_page": "/members/",
                "deep_page": f"/members/?after={cursor}",
                "filtered_first_page": f"/members/?union={below.pk}&{filters}",
                "filtered_deep_page": f"/members/?union={below.pk}&{filters}&after={cursor_f}",
                "keyword": f"/members/?q={urllib.parse.quote(full_name)}",
                # A long list's total is counted by a second request once its rows are shown (core.search).
                "filtered_total": f"/members/?union={below.pk}&{filters}&total=1",
            }
            figures: dict[str, float] = {}
            sql_ms: dict[str, float] = {}
            for case, url in urls.items():
                figures[case] = http.median_get_ms(base + url, cookie, n)
                sql_ms[case] = timed(client, url, 3)[1]
            # Baselines, in this process (a class attribute and a planner setting reach no other): OFFSET
            # pagination of the same order (keyset switched off) against the keyset deep page timed here
            # too, and the icontains scan.
            figures["deep_page_in_process"], _ = timed(client, urls["deep_page"], max(1, n // 2))
            MemberListView.keyset_order = ()  # type: ignore[assignment]
            try:
                case = "offset_deep_page"
                figures[case], sql_ms[case] = timed(client, f"/members/?page={deep_page}", max(1, n // 2))
            finally:
                MemberListView.keyset_order = order
            with connection.cursor() as c:
                c.execute("SET enable_bitmapscan = off")  # no GIN index: the plain icontains scan
            try:
                case = "keyword_icontains_scan"
                figures[case], sql_ms[case] = timed(client, urls["keyword"], max(1, n // 2))
            finally:
                with connection.cursor() as c:
                    c.execute("SET enable_bitmapscan = on")
            results[label] = figures
            sql_results[label] = sql_ms
            print(
                f"{node.name}（{scope_count:,} 会员，深页第 {deep_page:,} 页）："
                + "  ".join(
                    f"{case} {ms:.1f} ms" + (f"（SQL {sql_ms[case]:.1f}）" if case in sql_ms else "")
                    for case, ms in figures.items()
                ),
                flush=True,
            )
    load_after = os.getloadavg()
    print(
        f"计时期间负载 {load_before[0]:.2f} → {load_after[0]:.2f}（1 分钟平均，{os.cpu_count()} 核）",
        flush=True,
    )

    def worst(case: str, of=results) -> float:
        return round(max(r[case] for r in of.values()), 1)

    summary = {
        "members": members,
        "unions": unions,
        "member_list_p50_ms": worst("first_page"),
        "deep_page_p50_ms": worst("deep_page"),
        "offset_deep_page_p50_ms": worst("offset_deep_page"),
        "filtered_page_p50_ms": max(worst("filtered_first_page"), worst("filtered_deep_page")),
        "keyword_search_p50_ms": worst("keyword"),
        "filtered_total_p50_ms": worst("filtered_total"),
        "keyword_icontains_scan_p50_ms": worst("keyword_icontains_scan"),
        "ratio_offset_to_keyset_deep": round(
            worst("offset_deep_page") / max(worst("deep_page_in_process"), 0.1), 1
        ),
        "deep_page_sql_ms": worst("deep_page", sql_results),
        "offset_deep_page_sql_ms": worst("offset_deep_page", sql_results),
        "load_1min": round(load_after[0], 2),
        "users": {label: {k: round(v, 1) for k, v in r.items()} for label, r in results.items()},
        "users_sql_ms": {label: {k: round(v, 1) for k, v in r.items()} for label, r in sql_results.items()},
    }
    emit("lists", **summary)
