"""Directory bench: a 200,000-row directory (市场监管) imported and matched against 100,000 registered
workplaces on PostgreSQL, end to end through the importer the page and ``import_directory`` use (read →
validate → match by USCC and by normalised name, set-based → write entries and questions).

The directory: 30 % rows carrying a registered workplace's USCC, 25 % a registered workplace's name in
a variant (city/county prefix, company form, place in brackets, spaces) without a code, 44 % workplaces
nobody registered, and about 1 % rows with a wrong check digit or repeated codes. Baseline, same run,
same data: the naive way — per row, an ORM query by USCC and then one by name and county — on a slice,
and the ratio. A second import of the same file (idempotent: nothing created) is timed too.

Database: ``gonghui_bench_directory`` (``…_quick`` with --quick: 5,000 workplaces, 10,000 rows);
workplaces are generated once per size and reused.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import tempfile
import time
from pathlib import Path

DB_NAME = "gonghui_bench_directory"
TRADES = [
    "恒信", "华宇", "鑫源", "建安", "长江", "皖南", "新兴", "宏达", "金鹏", "博雅", "瑞丰", "天成", "永盛", "中天",
    "远航", "嘉禾", "信达", "华润", "明珠", "同创", "德邦", "安居", "康宁", "福瑞", "星火", "启航", "鼎盛", "万通",
]  # fmt: skip
KINDS = [
    "科技有限公司", "建筑工程有限公司", "商贸有限公司", "物流有限公司", "机械制造有限公司", "餐饮管理有限公司",
    "电子有限公司", "新材料有限公司", "物业服务有限公司", "汽车零部件有限公司", "服装有限公司", "食品有限公司",
]  # fmt: skip
HEADER = [
    "统一社会信用代码",
    "企业名称",
    "法定代表人",
    "登记状态",
    "成立日期",
    "注册资本",
    "参保人数",
    "住所",
    "所属区县",
    "行业",
]


def _uscc(region: str, seq: int) -> str:
    from stdnum.cn import uscc

    body = f"91{region}{seq:09d}"
    return body + uscc.calc_check_digit(body + "0")


def _name(rnd: random.Random, serial: int) -> str:
    return f"{rnd.choice(TRADES)}{rnd.choice(TRADES)}{serial}{rnd.choice(KINDS)}"


def _variant(rnd: random.Random, name: str, city: str, county: str) -> str:
    kind = rnd.randrange(5)
    if kind == 0:
        return city + name
    if kind == 1:
        return f"安徽省{city}{county}{name}"
    if kind == 2:
        return name.removesuffix("有限公司") + rnd.choice(["有限责任公司", "股份有限公司"])
    if kind == 3:
        return name.removesuffix("有限公司") + f"（{city[:2]}）有限公司"
    return f"{name[:2]} {name[2:]}"


def _setup(workplaces: int):
    """The union tree (province → cities → counties), a province administrator, and the registry's
    workplaces (COPY, with their normalised names), made once per size."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from gonghui.accounts.models import Role, User
    from gonghui.core.models import Setting
    from gonghui.core.normalize import normalize_org_name
    from gonghui.orgs.models import UnionKind, UnionOrg, Workplace
    from gonghui.regions.models import Region

    call_command("migrate", verbosity=0)
    if not Region.objects.filter(code="340207").exists():
        call_command("load_regions", province="34", verbosity=0)
    province_region = Region.objects.get(code="340000")
    province, _ = UnionOrg.objects.get_or_create(
        name="安徽省总工会", defaults={"kind": UnionKind.PROVINCE, "region": province_region}
    )
    counties = list(
        Region.objects.filter(level=Region.Level.COUNTY).select_related("parent").order_by("code")
    )
    unions = {}
    with transaction.atomic():
        for county in counties:
            city, _ = UnionOrg.objects.get_or_create(
                name=f"{county.parent.name}总工会",
                defaults={"kind": UnionKind.CITY, "region": county.parent, "parent": province},
            )
            unions[county.code], _ = UnionOrg.objects.get_or_create(
                name=f"{county.parent.name}{county.name}总工会",
                defaults={"kind": UnionKind.COUNTY, "region": county, "parent": city},
            )
    user, _ = User.objects.get_or_create(
        username="bench-directory", defaults={"union": province, "role": Role.PROVINCE_ADMIN}
    )
    marker = {"workplaces": workplaces, "v": 1}
    registry: list[tuple[str, str | None, str]] = []  # (name, uscc, county code) of every workplace
    rnd = random.Random(20261130)
    for i in range(workplaces):
        county = counties[i % len(counties)]
        registry.append((_name(rnd, i), _uscc(county.code, i) if rnd.random() < 0.6 else None, county.code))
    if Setting.get("bench_directory") == marker:
        print(f"沿用已生成的 {workplaces:,} 个单位", flush=True)
        return user, counties, registry
    started = time.perf_counter()
    with connection.cursor() as c:
        c.execute(
            "TRUNCATE directories_matchcandidate, directories_directoryentry, directories_directoryedition CASCADE"
        )
        c.execute("DELETE FROM orgs_workplacestate")
        c.execute("DELETE FROM orgs_workplace")
    by_code = {county.code: county for county in counties}
    now = timezone.now()
    columns = (
        "created_at, updated_at, name, name_normalized, uscc, ownership, industry, employee_count, region_id, "
        "governing_union_id, address, is_legal_entity, is_above_scale, has_workers_congress, has_open_affairs, "
        "has_employee_director, has_employee_supervisor, registered_on"
    )
    with (
        transaction.atomic(),
        connection.cursor() as c,
        c.copy(f"COPY {Workplace._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for name, code, county in registry:
            region = by_code[county]
            copy.write_row(
                (now, now, name, normalize_org_name(name, county), code, "private", "C",
                 rnd.randrange(3, 400), region.pk, unions[county].pk, "", True, False, False, False, False,
                 False, "2020-01-01")
            )  # fmt: skip
    with connection.cursor() as c:
        c.execute("ANALYZE orgs_workplace")
    Setting.put("bench_directory", marker)
    print(f"生成 {workplaces:,} 个单位（COPY），用时 {time.perf_counter() - started:.1f} s", flush=True)
    return user, counties, registry


def _directory(path: Path, rows: int, counties, registry, seed: int = 7) -> dict[str, int]:
    rnd = random.Random(seed)
    by_code = {c.code: c for c in counties}
    made = {"code": 0, "variant": 0, "new": 0, "bad": 0}
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        coded = [w for w in registry if w[1]]
        for i in range(rows):
            roll = rnd.random()
            status = "注销" if rnd.random() < 0.03 else "存续"
            tail = ["张三", status, "2015-03-01", "100万元人民币", rnd.randrange(1, 500), "某路1号"]
            if roll < 0.30:
                name, code, county = rnd.choice(coded)
                made["code"] += 1
            elif roll < 0.55:
                name, _, county = rnd.choice(registry)
                region = by_code[county]
                name, code = _variant(rnd, name, region.parent.name, region.name), ""
                made["variant"] += 1
            elif roll < 0.99:
                county = rnd.choice(counties).code
                name, code = f"未登记{_name(rnd, 10_000_000 + i)}", _uscc(county, 500_000_000 + i)
                made["new"] += 1
            else:
                county = rnd.choice(counties).code
                name, code = f"错码{_name(rnd, i)}", _uscc(county, 700_000_000 + i)[:-1] + "0"
                made["bad"] += 1
            writer.writerow(
                [code, name, *tail[:5], tail[5], by_code[county].name if i % 2 else county, "制造业"]
            )
    return made


def _naive(rows: list[list[str]]) -> float:
    """Per row: an ORM query by USCC, then (no hit) one by normalised name in the county — the lookups
    a form-per-row import makes. Returns rows/s."""
    from gonghui.core.normalize import normalize_org_name
    from gonghui.orgs.models import Workplace

    started = time.perf_counter()
    for row in rows:
        code, name, county = row[0], row[1], row[8]
        hit = Workplace.objects.filter(uscc=code).first() if code else None
        if hit is None:
            county_code = county if county.isdigit() else ""
            list(
                Workplace.objects.filter(
                    name_normalized=normalize_org_name(name, county_code),
                    region__code__startswith=county_code,
                )[:3]
            )
    return len(rows) / (time.perf_counter() - started)


def run(args) -> None:
    from bench._report import emit
    from bench.targets import _switch_database

    quick = getattr(args, "quick", False)
    workplaces, rows = (5_000, 10_000) if quick else (100_000, 200_000)
    _switch_database(DB_NAME + ("_quick" if quick else ""))
    from django.db import connection

    from bench.imports import _backend_cpu_seconds, _cpu_seconds
    from gonghui.directories.importer import DirectoryImporter
    from gonghui.directories.models import DirectorySource
    from gonghui.directories.services import create_directory_job
    from gonghui.imports.reader import read_table

    user, counties, registry = _setup(workplaces)
    workdir = Path(os.environ.get("GONGHUI_BENCH_DIR", tempfile.gettempdir()))
    path = workdir / f"gonghui-bench-directory-{rows}.csv"
    made = _directory(path, rows, counties, registry)
    print(
        f"名录 {path.name}：{rows:,} 行（带已登记单位代码 {made['code']:,}，已登记单位的名称变体 {made['variant']:,}，"
        f"未登记 {made['new']:,}，校验码错误 {made['bad']:,}）；单位台账 {workplaces:,} 个",
        flush=True,
    )
    with connection.cursor() as c:
        c.execute(
            "TRUNCATE directories_matchcandidate, directories_directoryentry, directories_directoryedition CASCADE"
        )

    source = DirectorySource.objects.get(code="market")

    def import_once():
        """As the page and the command do: a job (sealed copy of the file, its SHA-256), then the
        importer on it; timed from reading the file to the commit."""
        job = create_directory_job(user, path, path.name, source, dt.date(2026, 6, 30))
        importer = DirectoryImporter(user, user.union, options=job.options)
        importer.job = job
        cpu0, server0 = _cpu_seconds(), _backend_cpu_seconds()
        t0 = time.perf_counter()
        table = read_table(path)
        t_read = time.perf_counter() - t0
        hmap = importer.match(table, path.name)
        result = importer.run(table, hmap, dry_run=False)
        total = time.perf_counter() - t0
        server = _backend_cpu_seconds()
        cpu = (_cpu_seconds() - cpu0, None if server is None or server0 is None else server - server0)
        return result, t_read, total, cpu

    result, t_read, total, cpu = import_once()
    extra = result.extra
    load = os.getloadavg()[0]
    print(f"读取   {result.rows / t_read:>10,.0f} 行/秒  ({t_read:.1f} s)")
    print(
        f"端到端 {result.rows / total:>10,.0f} 行/秒  ({total:.1f} s，校验 + 匹配 + 写入；1 分钟平均负载 {load:.1f}，2 核)"
    )
    busy = cpu[0] + (cpu[1] or 0)
    print(
        f"CPU：本进程 {cpu[0]:.1f} s + PostgreSQL 后端 {cpu[1] or 0:.1f} s = {busy:.1f} s（机器空闲时端到端约为此值）"
    )
    print("阶段（累计秒）：" + "，".join(f"{k} {v:.1f}" for k, v in result.timings.items()))
    print(
        f"结果：按代码 {extra['matched_code']:,}，按名称 {extra['matched_name']:,}，待确认 {extra['uncertain']:,}，"
        f"新单位 {extra['new']:,}，注销 {extra['closed']:,}，重复 {extra['duplicates']:,}，错误 {result.errors:,}；"
        f"新增条目 {result.created:,}"
    )
    again, _, total_again, _ = import_once()
    print(
        f"重复导入同一文件：{again.rows / total_again:,.0f} 行/秒（{total_again:.1f} s），新增 {again.created}，未变 {again.skipped:,}"
    )
    with open(path, encoding="utf-8") as handle:
        sample = list(csv.reader(handle))[1 : 1 + (500 if quick else 3000)]
    baseline = _naive(sample)
    rate = result.rows / total
    print(
        f"逐行 ORM 查询（基线，{len(sample):,} 行）：{baseline:,.0f} 行/秒（仅匹配查询，不含写入）；本实现快 {rate / baseline:.1f} 倍"
    )
    verdict = total <= 60
    print(
        f"{rows:,} 行名录对 {workplaces:,} 个单位：{total:.1f} s（要求 ≤ 60 s）：{'达标' if verdict else '未达标'}"
    )
    emit(
        "directory_match",
        rows=result.rows,
        workplaces=workplaces,
        seconds=round(total, 1),
        cpu_seconds=round(busy, 1),
        load_average=round(load, 1),
        rows_per_s=round(rate),
        reimport_seconds=round(total_again, 1),
        baseline_rows_per_s=round(baseline),
        ratio=round(rate / baseline, 1),
        matched_code=extra["matched_code"],
        matched_name=extra["matched_name"],
        uncertain=extra["uncertain"],
        new=extra["new"],
        errors=result.errors,
        within_60s=verdict,
    )
