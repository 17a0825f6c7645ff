"""Exports bench: the members of a province exported to .xlsx and .csv through the application's own
background export — an ExportJob of the member list (a province administrator, no filter, masked
values) run by ``gonghui.imports.jobs.run_export_job``, what the worker's ``run_export`` task runs: the
list view's scoped queryset rebuilt, read with ``iterator()``, written by ``core.exports.write_export``
(xlsxwriter constant_memory / csv), hashed and sealed into PRIVATE_FILES_ROOT.

Each export runs in a fresh interpreter of its own (``python -m bench.exports --child …``) so that its
peak RSS (``ru_maxrss``, Django and the drivers included) is the export's alone: the kernel's peak is reset
just before the export starts (importing every app peaks higher than a streamed export), and a child that
only starts and queries once gives the floor (``idle_rss_mb``). Goal ≤ 300 MB.
Baseline, same run, same rows: openpyxl's write-only workbook fed by the same row producer
(``core.exports.rows_of``), in a child too. The ratio compares the whole xlsx job (sealing and hash
included) with openpyxl's bare write, so it understates ours; goal ≥ 3×.

Members generated straight into PostgreSQL by the targets bench's generator (``bench.targets._generate``),
in ``gonghui_bench_exports`` (``…_quick`` with --quick): 1 M members / 10 k unions (--quick: 50 k / 1 k).
A second run of the same size reuses the data.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time

DB_NAME = os.environ.get("GONGHUI_BENCH_EXPORTS_DB", "gonghui_bench_exports")
MEMBER_LIST = "gonghui.members.views.MemberListView"
RSS_GOAL_MB = 300
RATIO_GOAL = 3.0


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _reset_peak() -> bool:
    """Reset the kernel's peak RSS of this process (VmHWM; ``clear_refs`` 5, Linux ≥ 4.0), so that the
    peak read afterwards is the export's, not the start-up's (importing every app peaks higher than a
    streamed export)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def _child(db_name: str, mode: str, value: str) -> None:
    """In the fresh interpreter: run one export and print {"rows", "seconds", "peak_rss_mb"}."""
    import django

    django.setup()
    from django.db import connections

    connections["default"].settings_dict["NAME"] = db_name
    connections["default"].ensure_connection()
    reset = _reset_peak()
    if mode == "idle":  # what the interpreter holds before exporting anything (Django, drivers, a query)
        from gonghui.members.models import Member

        rows, seconds = Member.objects.count(), 0.0
    elif mode == "job":
        from gonghui.imports.jobs import run_export_job
        from gonghui.imports.models import ExportJob

        t0 = time.perf_counter()
        rows = run_export_job(int(value))
        seconds = time.perf_counter() - t0
        job = ExportJob.objects.get(pk=int(value))
        if job.status != ExportJob.Status.DONE:
            raise RuntimeError(f"导出任务失败：{job.message}")
        job.file.delete(save=False)  # the bench keeps no sealed copies of a million members
    else:  # openpyxl, write-only, the same rows of the same queryset
        from openpyxl import Workbook

        from gonghui.accounts.models import User
        from gonghui.core.exports import export_queryset, header_for, rows_of

        user = User.objects.get(pk=int(value))
        queryset = export_queryset(MEMBER_LIST, user, "")
        t0 = time.perf_counter()
        book = Workbook(write_only=True)
        sheet = book.create_sheet(str(queryset.model._meta.verbose_name_plural)[:31])
        sheet.append(header_for(queryset.model, False))
        rows = 0
        for row in rows_of(queryset, False):
            sheet.append(row)
            rows += 1
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
            book.save(tmp.name)
        seconds = time.perf_counter() - t0
    # ru_maxrss is the kernel's peak (hiwater) RSS, which the reset above set back to the current RSS.
    print(
        json.dumps({"rows": rows, "seconds": seconds, "peak_rss_mb": _peak_rss_mb(), "reset": reset}),
        flush=True,
    )


def _in_child(db_name: str, mode: str, value: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.exports", "--child", db_name, mode, str(value)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"导出子进程失败（{mode}）：{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(args) -> None:
    from django.core.management import call_command
    from django.db import connection

    from bench._report import emit
    from bench.targets import _generate, _switch_database

    _switch_database(DB_NAME + ("_quick" if args.quick else ""))
    call_command("migrate", verbosity=0)
    members, unions = (50_000, 1_000) if args.quick else (1_000_000, 10_000)
    _generate(members, unions)

    from gonghui.accounts.models import Role, User
    from gonghui.core.exports import header_for
    from gonghui.imports.models import ExportJob
    from gonghui.members.models import Member
    from gonghui.orgs.models import UnionOrg

    province = UnionOrg.objects.get(depth=0)
    user = User.objects.filter(username="bench-exports").first() or User.objects.create_user(
        "bench-exports", password="bench-pass-123", union=province, role=Role.PROVINCE_ADMIN
    )
    User.objects.filter(pk=user.pk).update(union=province, role=Role.PROVINCE_ADMIN)
    total = Member.objects.count()
    db_name = connection.settings_dict["NAME"]
    results = {}
    for fmt in ("xlsx", "csv"):
        job = ExportJob.objects.create(
            user=user, scope=province, title="会员", view_path=MEMBER_LIST, params="", fmt=fmt
        )
        results[fmt] = _in_child(db_name, "job", job.pk)
        if results[fmt]["rows"] != total:
            raise RuntimeError(f"{fmt} 导出 {results[fmt]['rows']} 行，应为 {total} 行")
    results["openpyxl"] = _in_child(db_name, "openpyxl", user.pk)
    idle = _in_child(db_name, "idle", 0)["peak_rss_mb"]
    since = "导出开始" if all(r["reset"] for r in results.values()) else "进程启动"
    if results["openpyxl"]["rows"] != total:
        raise RuntimeError(f"openpyxl 写出 {results['openpyxl']['rows']} 行，应为 {total} 行")

    rate = {name: r["rows"] / r["seconds"] for name, r in results.items()}
    ratio = rate["xlsx"] / rate["openpyxl"]
    peak = max(results["xlsx"]["peak_rss_mb"], results["csv"]["peak_rss_mb"])
    columns = len(header_for(Member, False))
    print(f"规模：{total:,} 会员（全省，脱敏导出，{columns} 列）", flush=True)
    for name, label in (
        ("xlsx", "导出任务 .xlsx"),
        ("csv", "导出任务 .csv"),
        ("openpyxl", "openpyxl 只写模式"),
    ):
        r = results[name]
        print(
            f"{label:<16} {r['seconds']:7.1f} s   {rate[name]:9,.0f} 行/秒   峰值内存 {r['peak_rss_mb']:6.0f} MB",
            flush=True,
        )
    print(
        f"xlsx 与 openpyxl 之比 {ratio:.1f}×（目标 ≥{RATIO_GOAL:.0f}×：{'达到' if ratio >= RATIO_GOAL else '未达到'}）；"
        f"导出进程峰值内存 {peak:.0f} MB（目标 ≤{RSS_GOAL_MB} MB：{'达到' if peak <= RSS_GOAL_MB else '未达到'}；"
        f"自{since}起计；同样启动、只查一次数据库的进程 {idle:.0f} MB）",
        flush=True,
    )
    emit(
        "exports",
        rows=total,
        xlsx_rows_s=round(rate["xlsx"]),
        csv_rows_s=round(rate["csv"]),
        openpyxl_rows_s=round(rate["openpyxl"]),
        ratio_to_openpyxl=round(ratio, 2),
        peak_rss_mb=round(peak),
        openpyxl_peak_rss_mb=round(results["openpyxl"]["peak_rss_mb"]),
        idle_rss_mb=round(idle),
    )


if __name__ == "__main__":
    # python -m bench.exports --child DB_NAME job|openpyxl|idle ID (run by ``run`` above)
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
        _child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit("用法：python -m bench exports [--quick]")
