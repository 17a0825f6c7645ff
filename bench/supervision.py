"""Supervision board bench (挂图作战): a province with 104 county-level unions (16 cities) and 10,000 items
— problems on the counties' lists and their tasks, a mix of statuses, some overdue — then the board
page (median server time over N requests, django.test.Client as the province administrator) and
``build_board`` itself, against the straightforward per-county loop (``naive_board``: one COUNT per
county and column) timed in the same run on the same data; both must give the same figures.

Database: ``gonghui_bench_supervision`` (``…_quick`` with --quick: 20 counties, 1,000 items); generated
once per size and reused.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time

from bench._http import page_client

DB_NAME = os.environ.get("GONGHUI_BENCH_SUPERVISION_DB", "gonghui_bench_supervision")
CITIES = 16


def _generate(counties: int, items: int):
    """Province → 16 cities → ``counties`` county unions; a third of the items are problems, the rest
    their tasks (two per problem on average), issued by the county's city."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from gonghui.core.models import Setting
    from gonghui.orgs.models import UnionKind, UnionOrg
    from gonghui.regions.models import Region
    from gonghui.supervision.models import Problem, Task, TaskStatus

    call_command("migrate", verbosity=0)
    if not Region.objects.filter(code="340207").exists():
        call_command("load_regions", province="34", verbosity=0)
    marker = {"counties": counties, "items": items, "v": 1}
    province = UnionOrg.objects.filter(depth=0, name="安徽省总工会").first()
    if province is not None and Setting.get("bench_supervision") == marker:
        print(f"沿用已生成的 {counties} 个县级工会、{items:,} 条事项", flush=True)
        return province
    started = time.perf_counter()
    from gonghui.accounts.models import User

    User.objects.filter(username="bench-supervision").delete()
    Task.objects.all().delete()
    Problem.objects.all().delete()
    UnionOrg.objects.all().order_by("-depth").delete()
    regions = list(Region.objects.filter(level=Region.Level.COUNTY).order_by("code"))
    city_regions = list(Region.objects.filter(level=Region.Level.CITY).order_by("code"))
    rnd = random.Random(20261201)
    today = timezone.localdate()
    with transaction.atomic():
        province = UnionOrg.objects.create(
            name="安徽省总工会", kind=UnionKind.PROVINCE, region=Region.objects.get(code="340000")
        )
        cities = [
            UnionOrg.objects.create(
                name=f"{city_regions[i % len(city_regions)].name}总工会{i}",
                kind=UnionKind.CITY,
                parent=province,
                region=city_regions[i % len(city_regions)],
            )
            for i in range(CITIES)
        ]
        county_unions = [
            UnionOrg.objects.create(
                name=f"{regions[i % len(regions)].name}总工会{i}",
                kind=UnionKind.COUNTY,
                parent=cities[i % CITIES],
                region=regions[i % len(regions)],
            )
            for i in range(counties)
        ]
        n_problems = items // 3
        problems = []
        for i in range(n_problems):
            county = county_unions[i % counties]
            closed = rnd.random() < 0.3
            problems.append(
                Problem(
                    union=county,
                    supervisor=county.parent,
                    source=rnd.choice(list(Problem.Source.values)),
                    description=f"第{i}号问题",
                    found_on=today - dt.timedelta(days=rnd.randrange(30, 400)),
                    severity=rnd.choice(list(Problem.Severity.values)),
                    status=Problem.Status.CLOSED if closed else Problem.Status.OPEN,
                )
            )
        Problem.objects.bulk_create(problems, batch_size=2000)
        tasks = []
        for i in range(items - n_problems):
            problem = problems[i % n_problems]
            if problem.status == Problem.Status.CLOSED:
                status = TaskStatus.DONE
            else:
                status = rnd.choice(list(TaskStatus.values))
            tasks.append(
                Task(
                    issuer=problem.supervisor,
                    assignee=problem.union,
                    problem=problem,
                    title=f"第{i}号整改任务",
                    deadline=today + dt.timedelta(days=rnd.randrange(-90, 120)),
                    status=status,
                )
            )
        Task.objects.bulk_create(tasks, batch_size=2000)
    from django.db import connection

    with connection.cursor() as c:
        c.execute("ANALYZE supervision_problem")
        c.execute("ANALYZE supervision_task")
        c.execute("ANALYZE orgs_unionorg")
    Setting.put("bench_supervision", marker)
    print(
        f"生成 {counties} 个县级工会、{n_problems:,} 个问题、{items - n_problems:,} 项任务，用时 {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return province


def _median_ms(fn, n: int) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _queries(fn) -> int:
    """How many statements ``fn`` sends to the database."""
    from django.db import connection

    sent = []

    def count(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        fn()
    return len(sent)


def run(args) -> None:

    from bench._report import emit
    from bench.targets import _switch_database

    quick = getattr(args, "quick", False)
    counties, items = (20, 1_000) if quick else (104, 10_000)
    _switch_database(DB_NAME + ("_quick" if quick else ""))
    province = _generate(counties, items)

    from gonghui.accounts.models import Role, User
    from gonghui.supervision.board import build_board, naive_board

    user = User.objects.filter(username="bench-supervision").first() or User.objects.create_user(
        "bench-supervision", password="bench-pass-123", union=province, role=Role.PROVINCE_ADMIN
    )
    User.objects.filter(pk=user.pk).update(union=province, role=Role.PROVINCE_ADMIN)
    client = page_client(user)
    n = 5 if quick else 15

    board = build_board(province)
    naive = naive_board(province)
    same = [r.figures() for r in board.rows] == [r.figures() for r in naive]
    queries, naive_queries = _queries(lambda: build_board(province)), _queries(lambda: naive_board(province))

    def page():
        response = client.get("/supervision/board/")
        assert response.status_code == 200, response.status_code

    page()  # warm the templates and the session
    page_ms = _median_ms(page, n)
    board_ms = _median_ms(lambda: build_board(province), n)
    naive_ms = _median_ms(lambda: naive_board(province), max(3, n // 3))
    total_items = board.total.problem_total + board.total.task_total
    print(f"县级工会 {len(board.rows)} 个，事项 {total_items:,} 条（逾期任务 {board.overdue_count:,}）")
    print(f"挂图作战页面（中位数，{n} 次）：{page_ms:.1f} ms（要求 ≤ 200 ms）")
    print(f"build_board：{board_ms:.1f} ms，{queries} 条查询")
    print(
        f"逐县统计（基线）：{naive_ms:.1f} ms，{naive_queries} 条查询；本实现快 {naive_ms / board_ms:.1f} 倍；"
        f"结果{'一致' if same else '不一致'}"
    )
    emit(
        "supervision_board",
        counties=len(board.rows),
        items=total_items,
        page_median_ms=round(page_ms, 1),
        board_median_ms=round(board_ms, 1),
        board_queries=queries,
        naive_median_ms=round(naive_ms, 1),
        naive_queries=naive_queries,
        ratio=round(naive_ms / board_ms, 1),
        same_figures=same,
        within_200ms=page_ms <= 200,
    )
