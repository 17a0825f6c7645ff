"""Search bench: keyword (contains) search on names at province scale — 10 million members, 100,000
grassroots unions, 120,000 workplaces with realistic Chinese names (surname + given name; county +
street + trade name + 有限公司 …), generated straight into PostgreSQL (INSERT … SELECT generate_series).

Timed through the real pages (django.test.Client, a province administrator, median of N): the member,
union and workplace list pages with ``?q=…`` (the page's 51 rows and its capped total, 「共 N 条」 /
「超过 10,000 条」) and the autocomplete picker, for keywords of 1, 2, 3 and more characters, common and
rare. Baseline, same run, same data: the same requests with the planner denied bitmap scans (the only
way a GIN index is read), i.e. what the search costs without the pg_trgm indexes.

Database: ``gonghui_bench_search`` (``…_quick`` with --quick: 200 k members, 2 k unions); migrated here;
a second run of the same size reuses the data.
"""

from __future__ import annotations

import os
import statistics
import time

from bench._http import page_client

DB_NAME = "gonghui_bench_search"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
    "卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕鹏辉建国志海波宁俊峰斌亮宇浩凯健飞晨旭东雪梅琳倩婷慧欣怡佳鑫"
STREETS = [
    "方村街道", "天门山街道", "赭山街道", "弋矶山街道", "汀棠街道", "大砻坊街道", "张家山街道", "范罗山街道",
    "荆山街道", "湾里街道", "清水街道", "官陡街道", "沈巷镇", "二坝镇", "汤沟镇", "白茆镇", "陶辛镇", "红杨镇",
    "花桥镇", "六郎镇", "石硊镇", "许镇镇", "家发镇", "工山镇", "何湾镇", "峨桥镇", "孙村镇", "平铺镇",
]  # fmt: skip
TRADES = [
    "恒信", "华宇", "鑫源", "建安", "长江", "皖南", "新兴", "宏达", "金鹏", "博雅", "瑞丰", "天成", "永盛", "中天",
    "远航", "嘉禾", "信达", "华润", "東方", "明珠", "海螺", "奇瑞", "创新", "同创", "德邦", "安居", "康宁", "福瑞",
]  # fmt: skip
KINDS = [
    "科技有限公司", "建筑工程有限公司", "商贸有限公司", "物流有限公司", "机械制造有限公司", "餐饮管理有限公司",
    "电子有限公司", "新材料有限公司", "物业服务有限公司", "汽车零部件有限公司", "医院", "学校",
]  # fmt: skip


def _switch_database(name: str) -> None:
    from bench.targets import _switch_database as switch

    switch(name)


def _array(items) -> str:
    return "ARRAY[" + ",".join(f"'{s}'" for s in items) + "]"


def _generate(members: int, unions: int) -> None:
    from django.db import connection, transaction

    from bench.targets import _drop_indexes
    from gonghui.core.models import Setting
    from gonghui.orgs.models import UnionKind, UnionOrg
    from gonghui.regions.models import Region

    marker = {"members": members, "unions": unions, "names": 1}
    if Setting.get("bench_search") == marker:
        print(f"沿用已生成的数据：{members:,} 会员，{unions:,} 基层工会", flush=True)
        return
    started = time.perf_counter()
    with connection.cursor() as c:
        for table in (
            "members_membershipevent",
            "members_member",
            "orgs_unionorg_workplaces",
            "orgs_workplace",
        ):
            c.execute(f"TRUNCATE {table} CASCADE")
        c.execute("UPDATE accounts_user SET union_id = NULL")
        c.execute("DELETE FROM orgs_unionorg")
    Setting.objects.filter(key="bench_search").delete()
    from django.core.management import call_command

    if not Region.objects.filter(level=Region.Level.COUNTY).exists():
        call_command("load_regions", province="34", verbosity=0)
    counties_regions = list(Region.objects.filter(level=Region.Level.COUNTY).order_by("code"))
    province_region = Region.objects.get(level=Region.Level.PROVINCE)
    n_towns = 10 if unions >= 50_000 else 2
    with transaction.atomic():
        province = UnionOrg.objects.create(
            name="安徽省总工会", kind=UnionKind.PROVINCE, region=province_region
        )
        cities: dict[str, UnionOrg] = {}
        for i, county in enumerate(counties_regions):
            city_region = county.parent
            city = cities.get(city_region.code)
            if city is None:
                city = cities[city_region.code] = UnionOrg.objects.create(
                    name=f"{city_region.name}总工会", kind=UnionKind.CITY, parent=province, region=city_region
                )
            cu = UnionOrg.objects.create(
                name=f"{county.name}总工会", kind=UnionKind.COUNTY, parent=city, region=county
            )
            for t in range(n_towns):
                street = STREETS[(i * 7 + t) % len(STREETS)]
                UnionOrg.objects.create(
                    name=f"{county.name}{street}总工会", kind=UnionKind.TOWNSHIP, parent=cu, region=county
                )
    towns = UnionOrg.objects.filter(depth=3).count()
    print(f"联合会层级 {UnionOrg.objects.count():,} 个（{towns} 个乡镇街道）", flush=True)
    # A workplace name: the town union's place (county + street) + trade name + kind, numbered where
    # needed so that names are as varied as real ones; its grassroots union is 「…工会委员会」.
    trade, kind = _array(TRADES), _array(KINDS)
    with transaction.atomic(), connection.cursor() as c:
        c.execute(
            f"""
            INSERT INTO orgs_workplace (created_at, updated_at, name, uscc, ownership, industry, employee_count,
                region_id, governing_union_id, address, is_legal_entity, is_above_scale, has_workers_congress,
                workers_congress_since, has_open_affairs, open_affairs_since, has_employee_director,
                employee_director_since, has_employee_supervisor, employee_supervisor_since, registered_on)
            SELECT now(), now(),
                replace(t.name, '总工会', '') || ({trade})[1 + (g::bigint * 7919 %% {len(TRADES)})::int]
                    || CASE WHEN g %% 3 = 0 THEN '' ELSE (g %% 997)::text END
                    || ({kind})[1 + (g::bigint * 104729 %% {len(KINDS)})::int],
                NULL, 'private', 'C', 3 + (g::bigint * 13 %% 400)::int, t.region_id, t.id, '', true, false,
                false, NULL, false, NULL, false, NULL, false, NULL,
                date '2004-01-01' + (g::bigint * 31 %% 365)::int
            FROM generate_series(1, %s) g
            JOIN (SELECT id, name, region_id, row_number() OVER (ORDER BY id) - 1 AS rn
                  FROM orgs_unionorg WHERE depth = 3) t ON t.rn = (g - 1) %% %s
            """,
            [unions + unions // 5, towns],
        )
        c.execute(
            """
            INSERT INTO orgs_unionorg (created_at, updated_at, parent_id, path, depth, name, kind, region_id, uscc,
                founded_on, chair_name, term_start, term_years, election_due, has_audit_committee,
                has_women_committee, status, status_changed_on)
            SELECT now(), now(), w.governing_union_id, '', 4, w.name || '工会委员会', 'committee', w.region_id, NULL,
                date '2005-01-01' + (w.id %% 7665)::int, '', NULL, NULL, NULL, true, true, 'active', NULL
            FROM (SELECT id, name, region_id, governing_union_id FROM orgs_workplace ORDER BY id LIMIT %s) w
            """,
            [unions],
        )
        c.execute(
            "UPDATE orgs_unionorg u SET path = p.path || lpad(u.id::text, 8, '0') || '/' "
            "FROM orgs_unionorg p WHERE u.parent_id = p.id AND u.path = ''"
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
    with connection.cursor() as c:
        dropped = _drop_indexes(c, ["members_member"])
    sur, given = SURNAMES, GIVEN
    for lo in range(1, members + 1, chunk):
        hi = min(members, lo + chunk - 1)
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as c:
            c.execute("SET LOCAL session_replication_role = replica")
            c.execute(
                f"""
                INSERT INTO members_member (created_at, updated_at, name, id_number_enc, id_hash, id_masked,
                    id_upgraded, birth_date, sex, province_code, phone_enc, phone_hash, phone_masked, union_id,
                    workplace_id, join_date, status, left_on, employment_status, is_migrant_worker,
                    new_form_group_id)
                SELECT now(), now(),
                    substr('{sur}', 1 + (g::bigint * 7919 %% {len(sur)})::int, 1)
                    || substr('{given}', 1 + (g::bigint * 104729 %% {len(given)})::int, 1)
                    || CASE WHEN g %% 3 = 0 THEN ''
                            ELSE substr('{given}', 1 + (g::bigint * 15485863 %% {len(given)})::int, 1) END,
                    'x', md5(g::text), '34**************', false,
                    date '1965-01-01' + (g %% 14000), CASE WHEN g %% 2 = 0 THEN 'F' ELSE 'M' END, '34', '', '', '',
                    %s + (g::bigint * 7919 %% %s), NULL,
                    date '2021-01-01' + (g::bigint * 104729 %% 1826)::int, 'active', NULL, 'employed', g %% 3 = 0,
                    NULL
                FROM generate_series(%s, %s) g
                """,
                [low, count, lo, hi],
            )
        print(f"  会员 {hi:,} / {members:,}（本批 {time.perf_counter() - t0:.0f} s）", flush=True)
    t0 = time.perf_counter()
    with connection.cursor() as c:
        for statement in dropped:
            c.execute(statement)
        c.execute("ANALYZE")
    print(f"重建会员表索引 {len(dropped)} 个（含 pg_trgm GIN）：{time.perf_counter() - t0:.0f} s", flush=True)
    Setting.put("bench_search", marker)
    print(f"生成完成：{time.perf_counter() - started:.0f} s", flush=True)


def _insert_cost(rows: int) -> dict[str, float]:
    """What the member-name trigram index costs each written row: the same rows inserted into an empty
    copy of the member table with all its indexes, with and without member_name_trgm (µs per row)."""
    from django.db import connection, transaction

    out = {}
    for label, keep in (("with", True), ("without", False)):
        with transaction.atomic(), connection.cursor() as c:
            c.execute(
                "CREATE TEMP TABLE bench_member (LIKE members_member INCLUDING DEFAULTS INCLUDING INDEXES)"
            )
            if not keep:
                c.execute(
                    "SELECT indexname FROM pg_indexes WHERE tablename = 'bench_member' "
                    "AND indexdef LIKE '%%gin_trgm_ops%%'"
                )
                for (name,) in c.fetchall():
                    c.execute(f'DROP INDEX "{name}"')
            t0 = time.perf_counter()
            c.execute(
                "INSERT INTO bench_member SELECT * FROM members_member "
                "WHERE id <= (SELECT min(id) FROM members_member) + %s",
                [rows - 1],
            )
            out[label] = round((time.perf_counter() - t0) * 1e6 / rows, 2)
            c.execute("DROP TABLE bench_member")
    print(
        f"写入代价（{rows:,} 行插入带全部索引的空会员表）：含姓名 pg_trgm 索引 {out['with']} µs/行，"
        f"不含 {out['without']} µs/行（差 {out['with'] - out['without']:.2f} µs/行）",
        flush=True,
    )
    return out


def _median_ms(fn, n: int) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def run(args) -> None:
    from django.core.management import call_command

    from bench._report import emit

    _switch_database(DB_NAME + ("_quick" if args.quick else ""))
    call_command("migrate", verbosity=0)
    members, unions = (200_000, 2_000) if args.quick else (10_000_000, 100_000)
    _generate(members, unions)

    from django.db import connection

    from gonghui.accounts.models import Role, User
    from gonghui.orgs.models import UnionOrg

    province = UnionOrg.objects.get(depth=0)
    user = User.objects.filter(username="bench-province").first() or User.objects.create_user(
        "bench-province", password="bench-pass-123", union=province, role=Role.PROVINCE_ADMIN
    )
    User.objects.filter(pk=user.pk).update(union=province, role=Role.PROVINCE_ADMIN)
    client = page_client(user)
    n = 3 if args.quick else 7

    from gonghui.members.models import Member

    # A three-character name that exists (the generator's names are hashed, so look one up).
    full_name = Member.objects.filter(name__regex=r"^...$").values_list("name", flat=True).first() or "张秀英"
    cases = [
        ("会员", f"/members/?q={full_name}", "3 字姓名（库中有）"),
        ("会员", f"/members/?q={full_name[1:]}{full_name[0]}", "3 字（库中无）"),
        ("会员", "/members/", "不带条件（总数封顶）"),
        ("会员", "/members/?q=张伟", "2 字姓名（常见）"),
        ("会员", "/members/?q=欣怡", "2 字（名）"),
        ("会员", "/members/?q=伟", "1 字"),
        ("工会", "/orgs/unions/?q=方村", "2 字地名"),
        ("工会", "/orgs/unions/?q=方村街道", "4 字"),
        ("工会", "/orgs/unions/?q=恒信科技", "4 字（常见）"),
        ("单位", "/orgs/workplaces/?q=方村", "2 字地名"),
        ("单位", "/orgs/workplaces/?q=方村街道恒信", "6 字（少见）"),
        ("单位", "/orgs/workplaces/?q=汽车零部件", "5 字（常见）"),
        ("选择框", "/autocomplete/?source=workplaces&q=方村街道恒信", "单位 6 字"),
        ("选择框", "/autocomplete/?source=unions&q=方村", "工会 2 字"),
        ("选择框", "/autocomplete/?source=unions&q=天门山街道", "工会 5 字"),
    ]

    def fetch(url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return get

    def total_of(response) -> str:
        if response["Content-Type"].startswith("application/json"):
            return f"{len(response.json()['results'])} 项"
        text = response.content.decode()
        start = text.find('id="list-total">')
        return text[start + 16 : text.find("</div>", start)].split("（")[0] if start >= 0 else "?"

    results = []
    load_before = os.getloadavg()
    for what, url, label in cases:
        totals = total_of(fetch(url)())  # warm up
        with connection.cursor() as c:
            c.execute("SET enable_bitmapscan = on")
        ms = _median_ms(fetch(url), n)
        with connection.cursor() as c:
            c.execute("SET enable_bitmapscan = off")  # no GIN index: the search without pg_trgm
        fetch(url)()
        base_ms = _median_ms(fetch(url), max(1, n // 2))
        with connection.cursor() as c:
            c.execute("SET enable_bitmapscan = on")
        results.append(
            {"what": what, "url": url, "label": label, "ms": ms, "baseline_ms": base_ms, "total": totals}
        )
        print(
            f"{what:<4}{label:<14} {url:<52} 中位 {ms:8.1f} ms   无 pg_trgm 索引 {base_ms:9.1f} ms   "
            f"倍数 {base_ms / ms:6.1f}×   {totals}",
            flush=True,
        )
    load_after = os.getloadavg()
    insert = _insert_cost(100_000 if args.quick else 500_000)
    print(
        f"计时期间负载 {load_before[0]:.2f} → {load_after[0]:.2f}（1 分钟平均，{os.cpu_count()} 核）",
        flush=True,
    )
    long = [
        r for r in results if "字" in r["label"] and "2 字" not in r["label"] and "1 字" not in r["label"]
    ]
    short = [r for r in results if "2 字" in r["label"] or "1 字" in r["label"]]
    summary = {
        "members": members,
        "unions": unions,
        "workplaces": unions + unions // 5,
        "max_ms_3plus_chars": round(max(r["ms"] for r in long), 1),
        "max_baseline_ms_3plus_chars": round(max(r["baseline_ms"] for r in long), 1),
        "max_ms_1_2_chars": round(max(r["ms"] for r in short), 1),
        "insert_us_per_row_with_trgm": insert["with"],
        "insert_us_per_row_without_trgm": insert["without"],
        "cases": {
            f"{r['what']} {r['label']}": [round(r["ms"], 1), round(r["baseline_ms"], 1)] for r in results
        },
    }
    emit("search", **summary)
