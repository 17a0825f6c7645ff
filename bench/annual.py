"""年报 bench: the province's annual statistics report generated and checked for every node.

Data: the targets bench's province-shaped generator (``bench.targets._generate``: 1 province, 16 cities,
104 counties, townships, grassroots unions with one workplace each plus one in five workplaces
unorganised, members joined over five years, one in ten left, one in fifty transferred across the
province — server-side INSERT … SELECT in 1 M-row chunks, indexes rebuilt once), in its own database
``gonghui_bench_annual`` (``…_quick`` with --quick). A second run with the same size reuses the data.

Size: ``GONGHUI_BENCH_ANNUAL_MEMBERS`` / ``GONGHUI_BENCH_ANNUAL_UNIONS`` (default 10,000,000 / 100,000,
the issue's target; --quick 200,000 / 2,000).

Timed in the same run:
- set-based: ``annual.compute_per_node`` over the province (grouped queries over the whole tree, summed
  upward in one pass) and the logical checks of every federation node against its sub-units
  (``annual_checks.check_node``);
- straightforward: ``annual.compute_direct`` node by node (the events up to the day joined with the
  members, per node) for the province and the cities — every level of the tree reads all the events
  once, so the time for all federation levels is estimated as levels × the mean of the two measured
  levels (``GONGHUI_BENCH_ANNUAL_DIRECT_LEVELS`` measures more levels). The figures of both paths are
  compared for every node measured.
"""

from __future__ import annotations

import datetime as dt
import os
import time

DB_NAME = os.environ.get("GONGHUI_BENCH_ANNUAL_DB", "gonghui_bench_annual")
AS_OF = dt.date(2025, 9, 30)
TARGET_S = 60.0


def _size(quick: bool) -> tuple[int, int]:
    if quick:
        return 200_000, 2_000
    members = int(os.environ.get("GONGHUI_BENCH_ANNUAL_MEMBERS", "10000000"))
    unions = int(os.environ.get("GONGHUI_BENCH_ANNUAL_UNIONS", str(max(members // 100, 1_000))))
    return members, unions


def _grid(tables) -> dict:
    return {(t.code, r.key, c): r.values[c] for t in tables.tables for r in t.rows for c, _ in t.columns}


def run(args) -> None:
    from django.core.management import call_command
    from django.db import connection

    from bench import targets
    from bench._report import emit

    members, unions = _size(args.quick)
    targets._switch_database(DB_NAME + ("_quick" if args.quick else ""))
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    targets._generate(members, unions)
    generated_s = time.perf_counter() - t0
    with connection.cursor() as c:
        c.execute("ANALYZE")

    from gonghui.members.models import MembershipEvent
    from gonghui.orgs.models import UnionOrg
    from gonghui.reporting import annual, annual_checks

    province = UnionOrg.objects.get(depth=0)
    events = MembershipEvent.objects.count()

    # Set-based: every node's tables, then the logical checks of every federation node.
    t0 = time.perf_counter()
    rollup = annual.compute_per_node(province, AS_OF)
    compute_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    federations = rollup.federations()
    failed = 0
    for node_id in federations:
        failed += len(annual_checks.check_node(rollup, node_id))
    check_s = time.perf_counter() - t0
    set_based_s = compute_s + check_s
    summary = rollup.tables(province.pk).summary()
    print(
        f"逐级汇总（集合计算）：{len(rollup.ids):,} 个节点 {compute_s:.1f} s，"
        f"逻辑检查 {len(federations):,} 个联合会 {check_s:.1f} s（未通过 {failed} 项）",
        flush=True,
    )
    print(f"全省：{summary}", flush=True)

    # Straightforward: node by node, level by level.
    levels = int(os.environ.get("GONGHUI_BENCH_ANNUAL_DIRECT_LEVELS", "2"))
    fed_levels = sorted(
        {d for d in UnionOrg.objects.filter(pk__in=federations).values_list("depth", flat=True)}
    )
    level_s: list[float] = []
    mismatches = 0
    measured = 0
    for depth in fed_levels[:levels]:
        nodes = list(UnionOrg.objects.filter(depth=depth, pk__in=federations))
        t0 = time.perf_counter()
        direct = {n.pk: annual.compute_direct(n, AS_OF) for n in nodes}
        level_s.append(time.perf_counter() - t0)
        measured += len(nodes)
        mismatches += sum(_grid(direct[n.pk]) != _grid(rollup.tables(n.pk)) for n in nodes)
        print(f"  逐节点直接计算 第 {depth} 层 {len(nodes)} 个节点：{level_s[-1]:.1f} s", flush=True)
    direct_all_s = sum(level_s) / len(level_s) * len(fed_levels) if level_s else None
    if mismatches:
        print(f"!! {mismatches} 个节点的两种算法结果不一致", flush=True)
    print(
        f"直接计算：实测 {measured} 个节点 {sum(level_s):.1f} s；全部 {len(fed_levels)} 层联合会估计 "
        f"{direct_all_s:.0f} s（每层读一遍全部事件）；集合计算 {set_based_s:.1f} s（目标 ≤ {TARGET_S:.0f} s）",
        flush=True,
    )
    emit(
        "annual_statistics",
        members=members,
        unions=unions,
        events=events,
        nodes=len(rollup.ids),
        federations=len(federations),
        generate_s=round(generated_s, 1),
        set_based_compute_s=round(compute_s, 2),
        set_based_check_s=round(check_s, 2),
        set_based_s=round(set_based_s, 2),
        target_s=TARGET_S,
        within_target=set_based_s <= TARGET_S,
        checks_failed=failed,
        direct_levels_measured=len(level_s),
        direct_nodes_measured=measured,
        direct_measured_s=round(sum(level_s), 2),
        direct_all_levels_estimate_s=round(direct_all_s, 1) if direct_all_s is not None else None,
        direct_equals_set_based=mismatches == 0,
        province_members=summary["members"],
    )
