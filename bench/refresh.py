"""Refresh bench: the nightly ``refresh_targets --full`` at province scale, timed as cron runs it — the
growth cube rebuilt from every membership event, then the day's indicator results and data-quality counts
stored for every federation node (province, cities, counties). Goal ≤ 5 minutes at 10 M members.

Same database and generator as the targets bench (``bench.targets``: ``gonghui_bench_targets``, 10 M
members / 100 k unions; ``…_quick`` with --quick: 200 k / 2 k), so a run after ``bench targets`` reuses
its data; the targets bench keeps its own cube and province-only figures.
"""

from __future__ import annotations

import io
import time
from unittest import mock

GOAL_S = 300


def run(args) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from bench._report import emit
    from bench.targets import DB_NAME, _generate, _switch_database

    _switch_database(DB_NAME + ("_quick" if args.quick else ""))
    call_command("migrate", verbosity=0)
    members, unions = (200_000, 2_000) if args.quick else (10_000_000, 100_000)
    _generate(members, unions)

    from gonghui.members.models import Member, MembershipEvent
    from gonghui.targets.models import IndicatorResult
    from gonghui.targets.services import seed_reference

    seed_reference()
    events = MembershipEvent.objects.count()
    output = io.StringIO()
    # The command itself, its three steps timed by wrapping (not replacing) the functions it calls.
    from gonghui.targets.management.commands import refresh_targets as command

    phases: dict[str, float] = {}

    def timed(name: str, fn):
        def wrapper(*a, **kw):
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - t

        return wrapper

    with (
        mock.patch.object(command, "refresh", timed("cube_s", command.refresh)),
        mock.patch.object(
            command, "refresh_indicator_results", timed("indicators_s", command.refresh_indicator_results)
        ),
        mock.patch.object(
            command.quality, "refresh_results", timed("quality_s", command.quality.refresh_results)
        ),
    ):
        t0 = time.perf_counter()
        call_command("refresh_targets", "--full", stdout=output)
        seconds = time.perf_counter() - t0
    for line in output.getvalue().splitlines():
        print(f"  {line}", flush=True)
    # Every node that got today's stored result (one row per node and day).
    nodes = IndicatorResult.objects.filter(day=timezone.localdate()).count()
    total = Member.objects.count()
    print(
        f"refresh_targets --full：{total:,} 会员、{events:,} 条事件、{nodes} 个节点：{seconds:.1f} s"
        + (
            f"（目标 ≤{GOAL_S // 60} 分钟针对 1,000 万会员，--quick 不评判）"
            if args.quick
            else f"（目标 ≤{GOAL_S // 60} 分钟：{'达到' if seconds <= GOAL_S else '未达到'}）"
        ),
        flush=True,
    )
    print(
        "其中：汇总表重建 {cube_s:.1f} s，指标结果 {indicators_s:.1f} s，数据质量计数 {quality_s:.1f} s".format(
            **phases
        ),
        flush=True,
    )
    emit(
        "refresh",
        members=total,
        events=events,
        nodes=nodes,
        full_refresh_s=round(seconds, 1),
        **{name: round(value, 1) for name, value in sorted(phases.items())},
    )
