"""Reporting bench: the province's approval matrix of 月督导 for its 104 county-level unions × 12 months
(``reporting.calendar.matrix``: two queries, joined in Python), median of N runs, against the
straightforward computation of the same states (a query per cell, ``matrix_per_cell``) in the same run.

Database: ``gonghui_bench_reporting`` (``…_quick`` with --quick); migrated here, the Anhui tree
(province → 16 cities → their counties) and a year of monthly reports in mixed states made once.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

DB_NAME = "gonghui_bench_reporting"
YEAR = 2024
STATES = ["draft", "submitted", "returned", "approved", "accepted", None]


def _setup() -> tuple:
    from django.core.management import call_command
    from django.db import transaction

    from gonghui.orgs.models import UnionKind, UnionOrg
    from gonghui.regions.models import Region
    from gonghui.reporting import periods
    from gonghui.reporting.models import Report, ReportType
    from gonghui.reporting.types import seed_report_types

    call_command("migrate", verbosity=0)
    if not Region.objects.filter(code="340207").exists():
        call_command("load_regions", province="34", verbosity=0)
    seed_report_types()
    rtype = ReportType.objects.get(code="monthly_supervision")
    province, _ = UnionOrg.objects.get_or_create(
        name="安徽省总工会",
        defaults={"kind": UnionKind.PROVINCE, "region": Region.objects.get(code="340000")},
    )
    with transaction.atomic():
        for county in (
            Region.objects.filter(level=Region.Level.COUNTY).select_related("parent").order_by("code")
        ):
            city, _ = UnionOrg.objects.get_or_create(
                name=f"{county.parent.name}总工会",
                defaults={"kind": UnionKind.CITY, "parent": province, "region": county.parent},
            )
            UnionOrg.objects.get_or_create(
                name=f"{county.name}总工会",
                parent=city,
                defaults={"kind": UnionKind.COUNTY, "region": county},
            )
    if not Report.objects.filter(report_type=rtype).exists():
        # The rows as the workflow leaves them (status only matters to the matrix), written in one go.
        counties = list(UnionOrg.objects.filter(kind=UnionKind.COUNTY).order_by("path"))
        rows = []
        for i, county in enumerate(counties):
            for j, period in enumerate(periods.periods_of_year(rtype.period_kind, YEAR)):
                status = STATES[(i + j) % len(STATES)]
                if status is None:
                    continue
                rows.append(
                    Report(
                        report_type=rtype,
                        node=county,
                        period_start=period.start,
                        period_end=period.end,
                        due_date=periods.due_date(period.end, rtype.due_working_days),
                        status=status,
                    )
                )
        Report.objects.bulk_create(rows, batch_size=1000)
    return province, rtype


def run(args) -> None:
    from bench._report import emit
    from bench.targets import _switch_database

    quick = getattr(args, "quick", False)
    _switch_database(DB_NAME + ("_quick" if quick else ""))
    from gonghui.reporting import calendar

    province, rtype = _setup()
    today = dt.date(YEAR + 1, 1, 10)
    runs = 5 if quick else 21
    fast = calendar.matrix(province, rtype, YEAR, today)
    cells = sum(len(r.cells) for r in fast.rows)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        calendar.matrix(province, rtype, YEAR, today)
        timings.append((time.perf_counter() - started) * 1000)
    median = statistics.median(timings)
    started = time.perf_counter()
    naive = calendar.matrix_per_cell(province, rtype, YEAR, today)
    baseline = (time.perf_counter() - started) * 1000
    same = naive == [[c.state for c in row.cells] for row in fast.rows]
    print(f"审核矩阵：{len(fast.rows)} 个县级工会 × {len(fast.periods)} 个月 = {cells} 格")
    print(f"集合查询：中位数 {median:.1f} ms（要求 ≤ 200 ms）：{'达标' if median <= 200 else '未达标'}")
    print(
        f"逐格查询（基线）：{baseline:.0f} ms；本实现快 {baseline / median:.0f} 倍；结果一致：{'是' if same else '否'}"
    )
    emit(
        "reporting_matrix",
        units=len(fast.rows),
        periods=len(fast.periods),
        cells=cells,
        median_ms=round(median, 1),
        baseline_ms=round(baseline, 1),
        ratio=round(baseline / median, 1),
        same_states=same,
        target_ms=200,
    )
