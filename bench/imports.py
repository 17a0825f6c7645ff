"""Member import throughput: gonghui's pipeline against django-import-export, same data, same run.

Generates a member ledger as CSV (UTF-8; CSV rather than xlsx because 1 M rows of xlsx is a 60 MB
zip whose *reading* alone takes ≈ 18 s with calamine — the read figure for xlsx is printed separately
on a 50,000-row slice), with ≈ 2 % bad rows (wrong check digit, ID stored as an Excel number,
impossible date, bad phone, unknown union, an ID repeated inside the file). Imports into PostgreSQL
(database gonghui_bench) under a union tree of its own, so other benchmarks' data is untouched.

Prints rows/s for read, validate (normalise + set-based checks + encryption and COPY text, in the producer
thread), validate-and-write (overlapped: batch n+1 validated while batch n is COPYed), end to end; peak
RSS; then, in the same run, the ceiling: the bare COPY of the same rows (validated and formatted
beforehand) into the same tables, and the ratio to it; then django-import-export's ModelResource
importing a 20,000-row slice of the same file, and the ratio. ``--quick``: 20,000 rows. The last line is
one JSON object with the figures.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import resource
import tempfile
import time
from pathlib import Path

HEADER = ["姓名", "身份证号", "手机号", "所在工会", "入会日期", "是否农民工", "新就业形态群体", "备注"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
GRASSROOTS = 50
IIE_ROWS = 20_000  # django-import-export's slice (1,000 with --quick)


def _ensure_database() -> None:
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError("bench/imports 需要 PostgreSQL（DATABASE_URL）")
    try:
        psycopg.connect(
            host=db["HOST"],
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"],
            dbname=db["NAME"],
        ).close()
    except psycopg.OperationalError:
        with psycopg.connect(
            host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"],
            dbname="postgres", autocommit=True,
        ) as conn:  # fmt: skip
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def _setup():
    from django.core.management import call_command

    from gonghui.accounts.models import Role, User
    from gonghui.members.reference import seed_new_form_groups
    from gonghui.orgs.models import UnionKind, UnionOrg
    from gonghui.regions.models import Region

    call_command("migrate", verbosity=0)
    if not Region.objects.filter(code="340207").exists():
        call_command("load_regions", province="34", verbosity=0)
    seed_new_form_groups()
    region = Region.objects.get(code="340207")
    root, _ = UnionOrg.objects.get_or_create(
        name="基准测试区总工会", defaults={"kind": UnionKind.COUNTY, "region": region}
    )
    unions = []
    for i in range(GRASSROOTS):
        union, _ = UnionOrg.objects.get_or_create(
            name=f"基准测试第{i:02d}号公司工会委员会",
            defaults={"kind": UnionKind.COMMITTEE, "region": region, "parent": root},
        )
        unions.append(union)
    user, _ = User.objects.get_or_create(
        username="bench-imports", defaults={"union": root, "role": Role.COUNTY_ADMIN}
    )
    return root, unions, user


def _clean(root) -> None:
    from django.db import connection

    from gonghui.members.models import Member, MembershipEvent

    with connection.cursor() as cursor:
        members = Member._meta.db_table
        events = MembershipEvent._meta.db_table
        # Statistics first: a run stopped midway leaves rows the planner believes absent, and the join
        # below then plans as a nested loop over the whole table (minutes instead of seconds).
        cursor.execute(f"ANALYZE {members}")
        cursor.execute(f"ANALYZE {events}")
        cursor.execute(
            f"DELETE FROM {events} WHERE member_id IN (SELECT m.id FROM {members} m JOIN orgs_unionorg u "
            f"ON u.id = m.union_id WHERE u.path LIKE %s)",
            [root.path + "%"],
        )
        cursor.execute(
            f"DELETE FROM {members} WHERE union_id IN (SELECT id FROM orgs_unionorg WHERE path LIKE %s)",
            [root.path + "%"],
        )
    # What autovacuum would do in a live database before the next import: without it the same IDs are
    # inserted again over their own dead index entries, a cost no real import pays.
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {members}")
        cursor.execute(f"VACUUM ANALYZE {events}")


def generate(path: Path, rows: int, union_names: list[str], seed: int = 7) -> int:
    """A member ledger; returns how many rows were made bad on purpose."""
    from stdnum.cn import ric

    rng = random.Random(seed)
    areas = [
        "340202",
        "340207",
        "340203",
        "340208",
        "340221",
        "340222",
        "340225",
        "340281",
        "341122",
        "340104",
    ]
    bad = 0
    start = dt.date(1965, 1, 1)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        previous = ""
        for i in range(rows):
            birth = start + dt.timedelta(days=i % 12000)
            body = f"{areas[i % len(areas)]}{birth:%Y%m%d}{(i // 12000) % 1000:03d}"
            number = body + ric.calc_check_digit(body + "0")
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if i % 3 else "")
            phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" if i % 4 else ""
            union = union_names[i % len(union_names)]
            joined = f"20{10 + i % 14}-{1 + i % 12:02d}-{1 + i % 28:02d}"
            migrant = "是" if i % 5 == 0 else "否"
            group = "快递员" if i % 17 == 0 else ""
            roll = rng.random()
            if roll < 0.02:
                bad += 1
                kind = i % 6
                if kind == 0:
                    number = number[:-1] + ("0" if number[-1] != "0" else "1")  # wrong check digit
                elif kind == 1:
                    number = f"{float(number[:17]):.14E}".replace("E+", "E+")  # an Excel number
                elif kind == 2:
                    joined = "2023-02-30"
                elif kind == 3:
                    phone = "1234"
                elif kind == 4:
                    union = "不存在的工会"
                else:
                    number = previous or number  # the same person twice in the file
            previous = number
            writer.writerow([name, number, phone, union, joined, migrant, group, ""])
    return bad


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _backend_cpu_seconds() -> float | None:
    """CPU time of this connection's PostgreSQL server process (same machine only), from /proc."""
    from django.db import connection

    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(args) -> None:
    import django  # noqa: F401

    _ensure_database()
    from gonghui.imports.reader import read_table
    from gonghui.members.importer import MemberImporter

    quick = getattr(args, "quick", False)
    rows = 20_000 if quick else 1_000_000
    root, unions, user = _setup()
    _clean(root)
    workdir = Path(os.environ.get("GONGHUI_BENCH_DIR", tempfile.gettempdir()))
    path = workdir / f"gonghui-bench-members-{rows}.csv"
    if not path.exists():
        started = time.perf_counter()
        bad = generate(path, rows, [u.name for u in unions])
        print(
            f"生成台账 {path.name}：{rows:,} 行（CSV，UTF-8），其中约 {bad:,} 行有错，用时 {time.perf_counter() - started:.1f} s"
        )
    print(f"文件 {path.stat().st_size / 1024 / 1024:.0f} MB；起始 RSS {_rss_mb():.0f} MB")

    importer = MemberImporter(user, root)
    importer.skip_invalid = True  # the ≈ 2 % bad rows are left out, the rest written (as --skip-invalid)
    # --quick: batches small enough that the small file still runs through the pipeline (≈ 20 of them).
    importer.batch_rows = min(MemberImporter.batch_rows, max(1_000, rows // 20))
    print(f"每批 {importer.batch_rows:,} 行：校验线程校验下一批时，本线程把上一批 COPY 进数据库")
    cpu0, server0 = _cpu_seconds(), _backend_cpu_seconds()
    t0 = time.perf_counter()
    table = read_table(path)
    t_read = time.perf_counter() - t0
    hmap = importer.match(table, path.name)
    result = importer.run(table, hmap, dry_run=False)
    total = time.perf_counter() - t0
    peak_rss = _rss_mb()  # the import's own peak: nothing before it held the file
    n = result.rows
    t_validate = result.timings["validate"]
    t_commit = result.timings["commit"]
    t_wait = result.timings.get("copy_wait", 0.0)
    print(f"读取   {n / t_read:>10,.0f} 行/秒  ({t_read:.1f} s)")
    print(
        f"校验   {n / t_validate:>10,.0f} 行/秒  ({t_validate:.1f} s，校验线程：含库内查重、加密与 COPY 文本，"
        "与写入重叠)"
    )
    print(
        f"校验+写入 {result.created / t_commit:>8,.0f} 行/秒  ({t_commit:.1f} s 墙钟，{result.created:,} 名会员 + "
        f"入会事件；其中 COPY 线程在数据库上 {t_wait:.1f} s)"
    )
    print(f"端到端 {n / total:>10,.0f} 行/秒  ({total:.1f} s)")
    print(
        f"结果：新增 {result.created:,}，错误 {result.errors:,}，跳过 {result.skipped:,}；峰值 RSS {peak_rss:.0f} MB"
    )
    # On a shared machine the wall clock says little: how much CPU did this process actually get?
    server1 = _backend_cpu_seconds()
    server = (
        f"{(server1 - server0) / n * 1e6:.0f} µs/行"
        if server0 is not None and server1 is not None
        else "未知"
    )
    print(
        f"CPU：本进程 {(_cpu_seconds() - cpu0) / n * 1e6:.0f} µs/行，数据库服务器进程 {server}；"
        f"墙钟 {total / n * 1e6:.0f} µs/行；机器 1 分钟负载 {os.getloadavg()[0]:.1f}（2 核）"
    )
    del table, result

    # The same file again: every row is already there, nothing is created.
    t0 = time.perf_counter()
    table = read_table(path)
    again = importer.run(table, importer.match(table, path.name), dry_run=False)
    print(
        f"再次导入同一文件：新增 {again.created}，跳过 {again.skipped:,}，{n / (time.perf_counter() - t0):,.0f} 行/秒"
    )
    del table, again

    # The ceiling: COPY alone of the same rows, validated and formatted beforehand, into the same tables
    # (emptied and vacuumed again, as before the import).
    _clean(root)
    copied, t_bare = _bare_copy(importer, path, workdir)
    ours = n / total
    bare = n / t_bare  # rows of the file per second, as end to end counts them
    print(
        f"纯 COPY（同样 {copied:,} 名会员 + 入会事件，预先校验好的文本）：{bare:,.0f} 行/秒（{t_bare:.1f} s）；"
        f"端到端为其 {ours / bare:.2f} 倍（目标 ≥ 0.9）"
    )
    _clean(root)

    _xlsx_read(workdir, path)
    slice_rows = 1_000 if quick else IIE_ROWS
    theirs = _import_export(path, root, slice_rows)
    print(f"django-import-export ModelResource（{slice_rows:,} 行切片）：{theirs:,.0f} 行/秒")
    print(
        f"倍数：{ours / theirs:.1f}×（目标 ≥ 30×）；峰值 RSS {peak_rss:.0f} MB（目标 ≤ 1,200 MB，100 万行）"
    )
    _clean(root)
    summary = {
        "bench": "imports",
        "rows": n,
        "end_to_end_rows_s": round(ours),
        "bare_copy_rows_s": round(bare),
        "ratio_to_bare_copy": round(ours / bare, 3),
        "iie_rows_s": round(theirs),
        "ratio_to_iie": round(ours / theirs, 1),
        "peak_rss_mb": round(peak_rss),
    }
    print(json.dumps(summary, ensure_ascii=False))


def _bare_copy(importer, path: Path, workdir: Path) -> tuple[int, float]:
    """Validate and format the file as the import does (the member ids reserved), keep the COPY text in
    two files, then time only their COPY into the member and event tables, in one committed transaction.
    Returns (members copied, seconds)."""
    from django.db import connection, transaction

    from gonghui.imports.engine import Result
    from gonghui.imports.reader import read_table
    from gonghui.members import bulk
    from gonghui.members.importer import _State

    table = read_table(path)
    hmap = importer.match(table, path.name)
    result, state = Result(kind=importer.kind, rows=len(table.rows)), _State(len(table.rows))
    member_file, event_file = workdir / "gonghui-bench-members.copy", workdir / "gonghui-bench-events.copy"
    copied = 0
    with (
        open(member_file, "w", encoding="utf-8") as members,
        open(event_file, "w", encoding="utf-8") as events,
    ):
        for batch in importer.batches(table, hmap, result, state, importer.user, lambda pct, stage: None):
            members.write(batch.texts[0])
            events.write(batch.texts[1])
            copied += len(batch.numbers)
    del table, result, state
    try:
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for name, source in (("members", member_file), ("events", event_file)):
                table_name = (
                    bulk.Member._meta.db_table if name == "members" else bulk.MembershipEvent._meta.db_table
                )
                columns = bulk._MEMBER_COPY_COLUMNS if name == "members" else bulk._EVENT_COPY_COLUMNS
                with (
                    open(source, "rb") as handle,
                    cursor.cursor.copy(f"COPY {table_name} ({columns}) FROM STDIN") as copy,
                ):
                    while block := handle.read(1 << 20):
                        copy.write(block)
        return copied, time.perf_counter() - t0
    finally:
        member_file.unlink(missing_ok=True)
        event_file.unlink(missing_ok=True)


def _xlsx_read(workdir: Path, csv_path: Path) -> None:
    """Read speed of an xlsx ledger (calamine), on a 50,000-row slice of the same data."""
    import xlsxwriter

    from gonghui.imports.reader import read_table

    xlsx = workdir / f"{csv_path.stem}-slice.xlsx"
    if not xlsx.exists():
        workbook = xlsxwriter.Workbook(str(xlsx), {"constant_memory": True, "strings_to_numbers": False})
        sheet = workbook.add_worksheet()
        with open(csv_path, encoding="utf-8") as handle:
            for r, row in enumerate(csv.reader(handle)):
                if r > 50_000:
                    break
                for c, value in enumerate(row):
                    sheet.write_string(r, c, value)
        workbook.close()
    t0 = time.perf_counter()
    table = read_table(xlsx)
    print(
        f"读取 xlsx（calamine，{len(table.rows):,} 行切片）：{len(table.rows) / (time.perf_counter() - t0):,.0f} 行/秒"
    )


def _import_export(path: Path, root, slice_rows: int) -> float:
    """django-import-export's ModelResource: the same rows, row by row, with the same normalisation."""
    import tablib
    from import_export import fields, resources, widgets

    from gonghui.core.normalize import normalize_phone, normalize_resident_id
    from gonghui.members.models import Member
    from gonghui.orgs.models import UnionOrg

    class MemberResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="姓名")
        union = fields.Field(
            attribute="union", column_name="所在工会", widget=widgets.ForeignKeyWidget(UnionOrg, "name")
        )
        join_date = fields.Field(
            attribute="join_date", column_name="入会日期", widget=widgets.DateWidget("%Y-%m-%d")
        )

        class Meta:
            model = Member
            fields = ("name", "union", "join_date")
            import_id_fields = ()
            use_bulk = False
            skip_unchanged = False

        def before_save_instance(self, instance, row, **kwargs):
            rid = normalize_resident_id(row["身份证号"])
            instance.birth_date, instance.sex = rid.birth_date, rid.sex
            instance.set_id_number(rid.number)
            if row["手机号"]:
                instance.set_phone(normalize_phone(row["手机号"]))

    with open(path, encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        data = []
        for row in reader:
            if len(data) >= slice_rows:
                break
            if row[3] != "不存在的工会":
                data.append(row)
    dataset = tablib.Dataset(*data, headers=header)
    _clean(root)
    t0 = time.perf_counter()
    MemberResource().import_data(dataset, dry_run=False, raise_errors=False, use_transactions=True)
    rate = len(data) / (time.perf_counter() - t0)
    _clean(root)
    return rate
