"""python manage.py import_directory FILE --source NAME --as-of YYYY-MM-DD [--user U] [--dry-run]
[--report OUT.csv|OUT.xlsx] [--json]

Imports a directory as a dated edition of a source and matches it to the registry. Exit status as the
member import: 0 done (or a clean dry run), 1 the file has row errors (those rows are left out and
reported, the others imported), 2 nothing was done (unreadable file, wrong columns, bad arguments).
With ``--json`` the last line is one JSON object: rows, errors, matched_code, matched_name, uncertain,
new, closed, committed. ``--report`` writes every row of the file with its 匹配结果.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.db.models import Q
from django.utils import timezone

from gonghui.directories.models import DirectorySource
from gonghui.directories.report import write_match_report
from gonghui.directories.services import create_directory_job
from gonghui.imports.jobs import run_job
from gonghui.imports.management.commands._base import JsonExitCommand, resolve_user


class Command(JsonExitCommand):
    help = "导入其他部门的单位名录（作为某一来源截至某日的版本）并与单位台账匹配"

    def add_arguments(self, parser):
        parser.add_argument("file", help="名录文件（.xlsx / .xls / .csv，UTF-8 或 GBK）")
        parser.add_argument("--source", required=True, help="名录来源的名称或代码，如 市场监管")
        parser.add_argument("--as-of", required=True, dest="as_of", help="名录截至日期，YYYY-MM-DD")
        parser.add_argument("--user", help="以该用户身份导入（决定管辖范围）；默认为唯一的超级管理员")
        parser.add_argument("--dry-run", action="store_true", help="只校验和匹配，不写入")
        parser.add_argument("--report", help="把逐行匹配结果另存为此 .csv 或 .xlsx 文件")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 结果")

    def handle(self, *args, **options):
        source = DirectorySource.objects.filter(Q(name=options["source"]) | Q(code=options["source"])).first()
        if source is None:
            names = "、".join(DirectorySource.objects.filter(is_active=True).values_list("name", flat=True))
            raise CommandError(f"找不到名录来源「{options['source']}」，可用：{names}", returncode=2)
        try:
            as_of = dt.date.fromisoformat(options["as_of"])
        except ValueError:
            raise CommandError(f"截至日期「{options['as_of']}」应为 YYYY-MM-DD 格式", returncode=2) from None
        if as_of > timezone.localdate():
            raise CommandError(f"截至日期 {as_of} 晚于今天", returncode=2)
        report = options.get("report")
        if report and Path(report).suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("--report 的文件名应以 .csv 或 .xlsx 结尾", returncode=2)
        user = resolve_user(options["user"])
        path = Path(options["file"])
        if not path.is_file():
            self.fail(f"找不到文件「{path}」")
        job = create_directory_job(user, path, path.name, source, as_of)
        dry_run = options["dry_run"]
        job.confirmed_at = None if dry_run else timezone.now()
        job.save(update_fields=["confirmed_at"])

        def echo(percent: int, stage: str) -> None:
            self.stderr.write(f"[{percent:3d}%] {stage}")

        self.stderr.write(f"导入记录 #{job.pk}：{job.file_name}（{source.name}，截至 {as_of}）")
        try:
            result = run_job(job, dry_run=dry_run, echo=echo)
        except Exception:  # run_job marked the job failed (and logged why) before re-raising
            job.refresh_from_db()
            self.fail(job.message, job=job.pk)
        job.refresh_from_db()
        if result is None:
            self.fail(job.message, job=job.pk)
        extra = result.extra
        self.stderr.write(
            f"共 {result.rows} 行：按代码匹配 {extra.get('matched_code', 0)}，按名称匹配 {extra.get('matched_name', 0)}，"
            f"待确认 {extra.get('uncertain', 0)}，新单位 {extra.get('new', 0)}，注销吊销 {extra.get('closed', 0)}，"
            f"重复 {extra.get('duplicates', 0)}，错误 {result.errors}；"
            + ("未写入（预检）" if dry_run else "已写入" if result.committed else "未写入")
        )
        if report:
            write_match_report(path, job.file_name, result, Path(report))
            self.stderr.write(f"匹配结果：{report}")
        self.emit(
            {
                "rows": result.rows,
                "errors": result.errors,
                **{
                    k: extra.get(k, 0) for k in ("matched_code", "matched_name", "uncertain", "new", "closed")
                },
                "committed": result.committed,
            }
        )
        if result.errors:
            sys.exit(1)
