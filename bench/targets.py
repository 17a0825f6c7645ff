"""Targets bench: 10 million members across ~100,000 grassroots unions, generated straight into
PostgreSQL (server-side INSERT … SELECT generate_series, in 1 M-row chunks), then the province's plan
page and dashboard timed (median server time over N requests with django.test.Client) against the
straightforward aggregate over the member and event tables computing the same figures.

Database: ``gonghui_bench_targets`` (``…_quick`` with --quick; its own, so the import bench's ``gonghui_bench`` is untouched);
migrated here. A second run with the same size reuses the data. ``--quick``: ~200 k members, 2 k unions.

Aggregates: the growth cube (``gonghui.targets.cube``) — net change per (node path, day) for every
node on an event's path, maintained incrementally from the append-only event table above a watermark;
reads add the live tail, so figures are exact (the bench checks cube == live, and the dashboard's
figures == the straightforward counts). Registry indicators and the grassroots-union count on
dashboards are the daily stored results (``refresh_targets``, one row per node and day); the indicator
page reads them too (timed against the straightforward count over the province, which it must equal);
本年新建 is counted live through the founding-date index; whether the tree moved since the cube was
built is one row kept by a trigger.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time

from bench._http import page_client

# GONGHUI_BENCH_TARGETS_DB: another database name (several checkouts on one server).
DB_NAME = os.environ.get("GONGHUI_BENCH_TARGETS_DB", "gonghui_bench_targets")


def _switch_database(name: str) -> None:
    import psycopg
    from django.db import connections

    # GONGHUI_BENCH_DB_SUFFIX: every bench database under another name (`make bench-quick`'s throwaway ones).
    name += os.environ.get("GONGHUI_BENCH_DB_SUFFIX", "")
    conn = connections["default"]
    settings_dict = conn.settings_dict
    if settings_dict["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError("targets 基准需要 PostgreSQL（DATABASE_URL=postgres://…）")
    params = {
        "host": settings_dict.get("HOST") or "127.0.0.1",
        "port": settings_dict.get("PORT") or 5432,
        "user": settings_dict.get("USER") or "postgres",
        "password": settings_dict.get("PASSWORD") or None,
        "dbname": "postgres",
    }
    with psycopg.connect(**params, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    settings_dict["NAME"] = name


def _sql(cursor, statement: str, params=None) -> None:
    cursor.execute(statement, params or [])


def _drop_indexes(cursor, tables: list[str]) -> list[str]:
    """Drop the secondary indexes of the tables (not primary keys, not constraint-backed); return the
    statements that recreate them."""
    cursor.execute(
        """
        SELECT indexname, indexdef FROM pg_indexes
        WHERE tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint)
        """,
        [tables],
    )
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    return [definition for _, definition in found]


def _generate(members: int, unions: int) -> None:
    from django.db import connection, transaction

    from gonghui.core.models import Setting
    from gonghui.members.models import NewFormGroup
    from gonghui.members.reference import seed_new_form_groups
    from gonghui.orgs.models import UnionKind, UnionOrg
    from gonghui.regions.models import Region

    # "dated": the workplaces carry 登记日期 and dated states (figures as of a past date).
    marker = {"members": members, "unions": unions, "dated": 2}
    if Setting.get("bench_targets") == marker:
        print(f"沿用已生成的数据：{members:,} 会员，{unions:,} 基层工会", flush=True)
        return
    started = time.perf_counter()
    with connection.cursor() as c:
        for table in (
            "targets_growthcube",
            "targets_cubestate",
            "targets_indicatorresult",
            "targets_snapshot",
            "targets_targetitem",
            "targets_targetplan_metrics",
            "targets_targetplan",
            "members_membershipevent",
            "members_member",
            "orgs_unionorg_workplaces",
            "orgs_workplace",
        ):
            _sql(c, f"TRUNCATE {table} CASCADE")
        _sql(c, "UPDATE accounts_user SET union_id = NULL")
        _sql(c, "DELETE FROM orgs_unionorg")
    Setting.objects.filter(key="bench_targets").delete()
    region = Region.objects.filter(level=Region.Level.PROVINCE).first() or Region.objects.create(
        code="340000", name="安徽省", level=Region.Level.PROVINCE
    )
    seed_new_form_groups()
    group_id = NewFormGroup.objects.order_by("pk").values_list("pk", flat=True).first()
    # Federation levels through the ORM (≈1,250 nodes): 1 province, 16 cities, 104 counties, 10 towns each.
    n_towns = 10 if unions >= 50_000 else 2
    with transaction.atomic():
        province = UnionOrg.objects.create(name="安徽省总工会", kind=UnionKind.PROVINCE, region=region)
        for ci in range(16):
            city = UnionOrg.objects.create(
                name=f"第{ci + 1:02d}市总工会", kind=UnionKind.CITY, parent=province, region=region
            )
            for ki in range(7 if ci < 8 else 6):
                county = UnionOrg.objects.create(
                    name=f"{city.name[:-3]}第{ki + 1}县总工会",
                    kind=UnionKind.COUNTY,
                    parent=city,
                    region=region,
                )
                for ti in range(n_towns):
                    UnionOrg.objects.create(
                        name=f"{county.name[:-3]}第{ti + 1}镇总工会",
                        kind=UnionKind.TOWNSHIP,
                        parent=county,
                        region=region,
                    )
    towns = UnionOrg.objects.filter(depth=3).count()
    print(f"联合会层级 {UnionOrg.objects.count():,} 个（{towns} 个乡镇街道）", flush=True)
    with transaction.atomic(), connection.cursor() as c:
        _sql(
            c,
            """
            INSERT INTO orgs_unionorg (created_at, updated_at, parent_id, path, depth, name, kind, region_id, uscc,
                founded_on, chair_name, term_start, term_years, election_due, has_audit_committee,
                has_women_committee, status, status_changed_on)
            SELECT now(), now(), t.id, '', 4, '基层工会' || g, CASE WHEN g %% 5 = 0 THEN 'joint' ELSE 'committee' END,
                t.region_id, NULL, date '2005-01-01' + (g::bigint * 7919 %% 7665)::int, '',
                date '2019-01-01' + (g::bigint * 31 %% 2190)::int, CASE WHEN g %% 2 = 0 THEN 3 ELSE 5 END, NULL,
                true, true, 'active', NULL
            FROM generate_series(1, %s) g
            JOIN (SELECT id, region_id, row_number() OVER (ORDER BY id) - 1 AS rn FROM orgs_unionorg WHERE depth = 3) t
              ON t.rn = (g - 1) %% %s
            """,
            [unions, towns],
        )
        _sql(
            c,
            """
            UPDATE orgs_unionorg u SET path = p.path || lpad(u.id::text, 8, '0') || '/',
                election_due = (u.term_start + make_interval(years => u.term_years))::date
            FROM orgs_unionorg p WHERE u.parent_id = p.id AND u.path = ''
            """,
        )
        # One workplace per grassroots union (covered) and one in five more not organised.
        _sql(
            c,
            """
            INSERT INTO orgs_workplace (created_at, updated_at, name, uscc, ownership, industry, employee_count,
                region_id, governing_union_id, address, is_legal_entity, is_above_scale, has_workers_congress,
                workers_congress_since, has_open_affairs, open_affairs_since, has_employee_director,
                employee_director_since, has_employee_supervisor, employee_supervisor_since, registered_on,
                closed_on)
            SELECT now(), now(), '单位' || g, NULL,
                (ARRAY['private','private','private','private','state','institution','foreign','social'])[1 + g %% 8],
                'C', 3 + (g::bigint * 13 %% 400)::int, u.region_id, u.parent_id, '', true, g %% 9 = 0,
                g %% 4 <> 0, NULL, g %% 5 <> 0, NULL, false, NULL, false, NULL,
                date '2004-01-01' + (g::bigint * 31 %% 365)::int, NULL
            FROM generate_series(1, %s) g
            JOIN (SELECT id, region_id, parent_id, row_number() OVER (ORDER BY id) AS rn FROM orgs_unionorg WHERE depth = 4) u
              ON u.rn = 1 + (g - 1) %% %s
            """,
            [unions + unions // 5, unions],
        )
        # Their dated states (what orgs.services.record_workplace_states writes): valid since registration.
        _sql(
            c,
            """
            INSERT INTO orgs_workplacestate (workplace_id, valid_from, valid_to, governing_union_id, ownership,
                is_legal_entity, employee_count, has_workers_congress, workers_congress_since, has_open_affairs,
                open_affairs_since, has_employee_director, employee_director_since, has_employee_supervisor,
                employee_supervisor_since, recorded_at)
            SELECT id, registered_on, NULL, governing_union_id, ownership, is_legal_entity, employee_count,
                has_workers_congress, workers_congress_since, has_open_affairs, open_affairs_since,
                has_employee_director, employee_director_since, has_employee_supervisor,
                employee_supervisor_since, now()
            FROM orgs_workplace
            """,
        )
        _sql(
            c,
            """
            INSERT INTO orgs_unionorg_workplaces (unionorg_id, workplace_id, since)
            SELECT u.id, w.id, current_date
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM orgs_unionorg WHERE depth = 4) u
            JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM orgs_workplace) w ON w.rn = u.rn
            """,
        )
        c.execute("SELECT min(id), max(id), count(*) FROM orgs_unionorg WHERE depth = 4")
        low, high, count = c.fetchone()
        if high - low + 1 != count:
            raise RuntimeError("基层工会编号不连续，无法按编号分配会员")
    print(
        f"基层工会 {count:,} 个，单位 {unions + unions // 5:,} 个（{time.perf_counter() - started:.0f} s）",
        flush=True,
    )

    chunk = 1_000_000
    # Bulk-load practice: secondary indexes off during the load and rebuilt once after; FK triggers
    # off (session_replication_role) since the generator only writes valid references.
    with connection.cursor() as c:
        dropped = _drop_indexes(c, ["members_member", "members_membershipevent"])
    for lo in range(1, members + 1, chunk):
        hi = min(members, lo + chunk - 1)
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as c:
            _sql(c, "SET LOCAL session_replication_role = replica")
            c.execute("SELECT coalesce(max(id), 0) FROM members_member")
            prev = c.fetchone()[0]
            _sql(
                c,
                """
                INSERT INTO members_member (created_at, updated_at, name, id_number_enc, id_hash, id_masked,
                    id_upgraded, birth_date, sex, province_code, phone_enc, phone_hash, phone_masked, union_id,
                    workplace_id, join_date, status, left_on, employment_status, is_migrant_worker,
                    new_form_group_id)
                SELECT now(), now(), '会员' || g, 'x', md5(g::text), '34**************', false,
                    date '1965-01-01' + (g %% 14000), CASE WHEN g %% 2 = 0 THEN 'F' ELSE 'M' END, '34', '', '', '',
                    %s + (g::bigint * 7919 %% %s), NULL,
                    date '2021-01-01' + (g::bigint * 104729 %% 1826)::int,
                    CASE WHEN g %% 10 = 0 THEN 'exited' ELSE 'active' END, NULL, 'employed', g %% 3 = 0,
                    CASE WHEN g %% 7 = 0 THEN %s END
                FROM generate_series(%s, %s) g
                """,
                [low, count, group_id, lo, hi],
            )
            _sql(
                c,
                "UPDATE members_member SET left_on = LEAST(join_date + 200, date '2025-12-31') "
                "WHERE status = 'exited' AND id > %s",
                [prev],
            )
            _sql(
                c,
                """
                INSERT INTO members_membershipevent (member_id, kind, date, union_id, other_union_id, delta, reason,
                    note, actor_id, created_at)
                SELECT id, 'join', join_date, union_id, NULL, 1, 'new', '', NULL, now()
                FROM members_member WHERE id > %s
                """,
                [prev],
            )
            _sql(
                c,
                """
                INSERT INTO members_membershipevent (member_id, kind, date, union_id, other_union_id, delta, reason,
                    note, actor_id, created_at)
                SELECT id, 'exit', left_on, union_id, NULL, -1, 'voluntary', '', NULL, now()
                FROM members_member
                WHERE status = 'exited' AND id > %s
                """,
                [prev],
            )
            # One member in fifty changes job to a union in another part of the province.
            _sql(
                c,
                """
                WITH moved AS (
                    SELECT id, union_id AS old_union,
                        %s + ((union_id - %s + 1237) %% %s) AS new_union,
                        LEAST(join_date + 100, date '2025-12-31') AS day
                    FROM members_member
                    WHERE status = 'active' AND id %% 50 = 1
                      AND id > %s
                ), outs AS (
                    INSERT INTO members_membershipevent (member_id, kind, date, union_id, other_union_id, delta,
                        reason, note, actor_id, created_at)
                    SELECT id, 'transfer_out', day, old_union, new_union, -1, 'job_change', '', NULL, now() FROM moved
                ), ins AS (
                    INSERT INTO members_membershipevent (member_id, kind, date, union_id, other_union_id, delta,
                        reason, note, actor_id, created_at)
                    SELECT id, 'transfer_in', day, new_union, old_union, 1, 'job_change', '', NULL, now() FROM moved
                )
                UPDATE members_member m SET union_id = moved.new_union FROM moved WHERE m.id = moved.id
                """,
                [low, low, count, prev],
            )
        print(f"  会员 {hi:,} / {members:,}（本批 {time.perf_counter() - t0:.0f} s）", flush=True)
    t0 = time.perf_counter()
    with connection.cursor() as c:
        for statement in dropped:
            _sql(c, statement)
        _sql(c, "ANALYZE")
    print(f"重建索引 {len(dropped)} 个：{time.perf_counter() - t0:.0f} s", flush=True)
    Setting.put("bench_targets", marker)
    print(f"生成完成：{time.perf_counter() - started:.0f} s", flush=True)


def _median_ms(fn, n: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def run(args) -> None:
    from django.core.management import call_command
    from django.db.models import Count
    from django.utils import timezone

    from bench._report import emit

    _switch_database(DB_NAME + ("_quick" if args.quick else ""))
    call_command("migrate", verbosity=0)
    members, unions = (200_000, 2_000) if args.quick else (10_000_000, 100_000)
    _generate(members, unions)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gonghui.accounts.models import Role, User
    from gonghui.members.models import HELD_STATUSES, Member, MembershipEvent
    from gonghui.orgs.models import GRASSROOTS_KINDS, UnionOrg
    from gonghui.reports.views import dashboard_data
    from gonghui.targets import cube, indicators, progress
    from gonghui.targets.growth import live_growth, live_monthly, unions_founded
    from gonghui.targets.models import IndicatorResult, TargetPlan
    from gonghui.targets.services import save_plan, seed_reference

    seed_reference()
    province = UnionOrg.objects.get(depth=0)
    cities = list(UnionOrg.objects.filter(parent=province).order_by("path"))
    print(f"事件 {MembershipEvent.objects.count():,} 条", flush=True)
    t0 = time.perf_counter()
    refreshed = cube.refresh(full=True)
    cube_s = time.perf_counter() - t0
    print(
        f"汇总表（growth cube）全量构建：{cube_s:.1f} s，汇总事件 {refreshed['events_added']:,} 条，"
        f"水位（已汇总的最大事件编号）{refreshed['watermark']:,}",
        flush=True,
    )
    # Two stored days for the province: today's (the daily refresh) and the past day the "as of"
    # requests below ask for, computed from the dated registry as the background task does.
    as_of = dt.date(2025, 9, 30)
    IndicatorResult.objects.filter(node=province).delete()
    t0 = time.perf_counter()
    indicators.refresh_results(nodes=[province])
    province_refresh_s = time.perf_counter() - t0
    print(
        f"省级指标日结果计算（refresh_targets，存为 {timezone.localdate()} 的结果）：{province_refresh_s:.1f} s",
        flush=True,
    )
    t0 = time.perf_counter()
    indicators.store(province, as_of)
    dated_ms = (time.perf_counter() - t0) * 1000
    print(f"省级指标按日期计算（as_of={as_of}，后台任务）：{dated_ms / 1000:.1f} s", flush=True)

    plan = TargetPlan.objects.filter(issuer=province, year=2025).first()
    if plan is None:
        per_city = members // 16 // 5 // 2
        plan = save_plan(
            issuer=province,
            year=2025,
            title="安徽省总工会2025年基层组织建设净增目标（基准）",
            doc_number="皖工发〔2025〕1号",
            rows=[
                (
                    city,
                    {
                        "founded": unions // 16 // 20,
                        "members": per_city,
                        "migrant": per_city // 3,
                        "new_form": per_city // 7,
                    },
                )
                for city in cities
            ],
        )
    user = User.objects.filter(username="bench-province").first() or User.objects.create_user(
        "bench-province", password="bench-pass-123", union=province, role=Role.PROVINCE_ADMIN
    )
    User.objects.filter(pk=user.pk).update(union=province, role=Role.PROVINCE_ADMIN)
    user.refresh_from_db()
    client = page_client(user)
    n = 5 if args.quick else 15

    def page(url):
        def fetch():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return fetch

    plan_url, dash_url = f"/targets/{plan.pk}/?as_of={as_of}", f"/reports/?plan={plan.pk}&as_of={as_of}"
    # The indicator page by default (the latest stored day) and "as of" a past day (its stored result).
    ind_url, ind_past_url = "/targets/indicators/", f"/targets/indicators/?as_of={as_of}"
    queries = {}
    for url in (plan_url, dash_url, ind_url, ind_past_url):
        page(url)()  # warm up
        with CaptureQueriesContext(connection) as captured:
            page(url)()
        queries[url] = len(captured.captured_queries)
    load_before = os.getloadavg()
    plan_ms, _ = _median_ms(page(plan_url), n)
    dash_ms, _ = _median_ms(page(dash_url), n)
    ind_ms, ind_page = _median_ms(page(ind_url), n)
    ind_past_ms, ind_past_page = _median_ms(page(ind_past_url), n)
    load_after = os.getloadavg()

    start, paths = dt.date(2025, 1, 1), [c.path for c in cities]

    def naive_plan():
        return live_growth(paths, start, as_of), unions_founded(paths, start, as_of)

    def naive_dashboard():
        held = Member.objects.filter(
            union__path__startswith=province.path, status__in=HELD_STATUSES
        ).aggregate(n=Count("id"))
        grassroots = UnionOrg.objects.filter(  # the unions of that day (the generator revokes none)
            path__startswith=province.path,
            kind__in=GRASSROOTS_KINDS,
            status=UnionOrg.Status.ACTIVE,
            founded_on__lte=as_of,
        ).count()
        return (
            held,
            grassroots,
            unions_founded([province.path], start, as_of)[province.path],
            live_growth(paths, start, as_of),
            live_growth([province.path], start, as_of)[province.path],
            live_monthly(province.path, start, as_of),
        )

    naive_n = 3
    naive_plan_ms, (live, _) = _median_ms(naive_plan, naive_n)
    naive_dash_ms, (_, grassroots, founded, _, year, months) = _median_ms(naive_dashboard, naive_n)
    # The indicators' straightforward computation is the count over every member, workplace and union
    # of the province (≈ 1 min at 10 M): once, and its figures must equal what the page showed.
    today = timezone.localdate()
    naive_ind_ms, live_ind = _median_ms(lambda: indicators.compute(province, today), 1)
    shown = indicators.shown(province)
    shown_past = indicators.shown(province, as_of)
    past_ind = indicators.figures_as_of(province, as_of)
    # The dated count as of today counts what the live count counts (the two stay in step).
    from gonghui.targets.asof import raw_counts_as_of

    dated_today_ms, dated_today = _median_ms(lambda: raw_counts_as_of(province, today), 1)

    def nonzero(counts):
        return {p: {k: v for k, v in values.items() if v} for p, values in counts.items()}

    dated_same = nonzero(dated_today) == nonzero(indicators.raw_counts(province, today))
    ind_same = (
        shown.source == "stored"
        and shown.day == today
        and shown.figures == live_ind
        and shown_past.source == "stored"
        and shown_past.day == as_of
        and shown_past.figures == past_ind
        and not past_ind.get("unavailable")
        and all(
            # the page's own suffix (「%」 unless the indicator says otherwise, e.g. 个/万人)
            f"合计 {i['total']['rate']}{i.get('suffix') or '%'}（{i['total']['num']} / {i['total']['den']}）"
            in response.content.decode()
            for figures, response in ((live_ind, ind_page), (past_ind, ind_past_page))
            for i in figures["indicators"]
            if i["total"]["rate"] is not None
        )
    )
    with cube.pinned():
        fast = cube.growth(paths, start, as_of)
        board = dashboard_data(user, province, plan, as_of)
    same = fast == live
    head = board["headline"]
    board_same = (
        head["year_net"] == year["net"]
        and head["year_joined"] == year["joined"]
        and head["year_founded"] == founded
        and head["grassroots"] == grassroots
        and board["monthly"]["net"] == [months.get(label, 0) for label in board["monthly"]["labels"]]
    )
    figures = progress.compute(plan, as_of)
    size = f"{members:,} 会员 / {unions:,} 基层工会 / {len(cities)} 个市"
    print(
        f"规模：{size}；计划页、看板、指标页各 {n} 次请求，直接聚合各 {naive_n} 次（指标直接计算 1 次）",
        flush=True,
    )
    print(
        f"汇总表结果与直接聚合一致：{'是' if same else '否（错误！）'}；全省会员净增 {figures['total']['cells']['members']['actual']:,}",
        flush=True,
    )
    print(
        f"看板数字（本年净增 {head['year_net']:,}、入会 {head['year_joined']:,}、逐月、新建基层工会 {head['year_founded']:,}、"
        f"基层工会 {head['grassroots']:,}）与直接计数一致：{'是' if board_same else '否（错误！）'}",
        flush=True,
    )
    print(
        f"指标页数字（{today} 的日结果；as_of={as_of} 为该日按日期登记信息计算的结果）与直接计算一致："
        f"{'是' if ind_same else '否（错误！）'}；按日期计算截至今天与现行计算一致："
        f"{'是' if dated_same else '否（错误！）'}（按日期计算 {dated_today_ms / 1000:.1f} s，现行 {naive_ind_ms / 1000:.1f} s）",
        flush=True,
    )
    print(
        f"每次请求的 SQL 语句数：计划页 {queries[plan_url]}，看板 {queries[dash_url]}，"
        f"指标页 {queries[ind_url]}（as_of {queries[ind_past_url]}）；"
        f"计时期间负载 {load_before[0]:.2f} → {load_after[0]:.2f}（1 分钟平均，{os.cpu_count()} 核）",
        flush=True,
    )
    print(
        f"省级目标任务页   中位 {plan_ms:8.1f} ms   直接聚合 {naive_plan_ms:9.1f} ms   倍数 {naive_plan_ms / plan_ms:6.1f}×   目标 ≤200 ms：{'达到' if plan_ms <= 200 else '未达到'}",
        flush=True,
    )
    print(
        f"省级数据看板     中位 {dash_ms:8.1f} ms   直接聚合 {naive_dash_ms:9.1f} ms   倍数 {naive_dash_ms / dash_ms:6.1f}×   目标 ≤200 ms：{'达到' if dash_ms <= 200 else '未达到'}",
        flush=True,
    )
    print(
        f"省级指标页       中位 {ind_ms:8.1f} ms   直接计算 {naive_ind_ms:9.1f} ms   倍数 {naive_ind_ms / ind_ms:6.1f}×   目标 <1000 ms：{'达到' if ind_ms < 1000 else '未达到'}",
        flush=True,
    )
    print(
        f"省级指标页 as_of 中位 {ind_past_ms:8.1f} ms   （读该日的存储结果；该日结果由后台按日期计算 {dated_ms / 1000:.1f} s）",
        flush=True,
    )
    if not same:
        raise RuntimeError("汇总表与直接聚合不一致")
    if not board_same:
        raise RuntimeError("看板数字与直接计数不一致")
    if not ind_same:
        raise RuntimeError("指标页数字与直接计算不一致")
    if not dated_same:
        raise RuntimeError("按日期计算截至今天与现行计算不一致")
    emit(
        "targets",
        members=members,
        unions=unions,
        cube_full_build_s=round(cube_s, 1),
        province_indicators_s=round(province_refresh_s, 1),
        province_as_of_s=round(dated_ms / 1000, 1),
        plan_page_p50_ms=round(plan_ms, 1),
        dashboard_p50_ms=round(dash_ms, 1),
        indicators_p50_ms=round(ind_ms, 1),
        indicators_as_of_p50_ms=round(ind_past_ms, 1),
        naive_plan_ms=round(naive_plan_ms, 1),
        naive_dashboard_ms=round(naive_dash_ms, 1),
        naive_indicators_ms=round(naive_ind_ms, 1),
    )
