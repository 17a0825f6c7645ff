"""python manage.py import_pairings FILE --issuer UNION_ID --year YEAR [--campaign NAME] [--user U]
[--dry-run] [--json]

Imports a pairing table as the provincial plan prints it (序号, 联系人（部门）, 对口联系县区) for the issuer,
through the import engine (kind ``pairings``). Exit status as the other import commands: 0 written (or
a clean dry run), 1 the table has row errors (nothing written; each printed as 第N行“列”：原因), 2 nothing
was done for another reason (bad arguments, unreadable file, wrong columns). With ``--json`` the last
line of stdout is one JSON object: rows, pairs, contacts, counties_covered, counties_total (county-level
unions in the issuer's subtree), errors, committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone

from gonghui.core.normalize import clean_text
from gonghui.imports.jobs import run_job
from gonghui.imports.management.commands._base import JsonExitCommand, resolve_user
from gonghui.imports.services import create_job
from gonghui.orgs.models import UnionOrg

JSON_KEYS = ("pairs", "contacts", "counties_covered", "counties_total")


class Command(JsonExitCommand):
    help = "导入对口联系表（序号、联系人（部门）、对口联系县区），对口联系县区写“市名+县区名”"

    def add_arguments(self, parser):
        parser.add_argument("file", help="对口联系表（.xlsx / .xls / .csv）")
        parser.add_argument("--issuer", type=int, required=True, help="联系方（工会）的编号，如省总工会")
        parser.add_argument("--year", type=int, required=True, help="年度，如 2022")
        parser.add_argument("--campaign", default="", help="专项工作名称（选填），如 县级工会加强年")
        parser.add_argument("--user", help="以该用户身份导入（决定管辖范围）；默认为唯一的超级管理员")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 结果")

    def handle(self, *args, **options):
        user = resolve_user(options["user"])
        year = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度「{year}」须在 2000 至 2100 之间", returncode=2)
        campaign = clean_text(options["campaign"])
        if len(campaign) > 100:
            raise CommandError("专项工作名称最多 100 字", returncode=2)
        issuer = UnionOrg.objects.visible_to(user).filter(pk=options["issuer"]).first()
        if issuer is None:
            raise CommandError(
                f"编号为 {options['issuer']} 的工会不存在或不在用户「{user}」的管辖范围内", returncode=2
            )
        if not user.is_superuser and user.union_id != issuer.pk:
            raise CommandError(f"用户「{user}」只能导入本单位（{user.union}）的对口联系表", returncode=2)
        path = Path(options["file"])
        if not path.is_file():
            self.fail(f"找不到文件「{path}」")
        job = create_job(
            user,
            "pairings",
            path,
            path.name,
            options={"issuer": issuer.pk, "year": year, "campaign": campaign},
        )
        dry_run = options["dry_run"]
        job.confirmed_at = None if dry_run else timezone.now()
        job.save(update_fields=["confirmed_at"])

        def echo(percent: int, stage: str) -> None:
            self.stderr.write(f"[{percent:3d}%] {stage}")

        self.stderr.write(f"导入记录 #{job.pk}：{job.file_name}（{issuer}，{year} 年{campaign}）")
        try:
            result = run_job(job, dry_run=dry_run, echo=echo)
        except Exception:  # run_job marked the job failed (and logged why) before re-raising
            job.refresh_from_db()
            self.fail(job.message, job=job.pk)
        job.refresh_from_db()
        if result is None:
            self.fail(job.message, job=job.pk)
        # The rows as the job page shows them (第N行 as the spreadsheet numbers it, title lines included).
        for issue in job.row_errors.order_by("row", "pk"):
            where = f"第{issue.row}行"
            self.stderr.write(
                f"{where}“{issue.column}”：{issue.message}" if issue.column else f"{where}：{issue.message}"
            )
        extra = result.extra
        outcome = (
            "未写入（预检）"
            if dry_run
            else "已写入"
            if result.committed
            else "有错误行，整个表未写入任何数据"
        )
        self.stderr.write(
            f"共 {result.rows} 行：对口联系 {extra.get('pairs', 0)} 对，联系人 {extra.get('contacts', 0)} 个，"
            f"覆盖县级工会 {extra.get('counties_covered', 0)} 个（共 {extra.get('counties_total', 0)} 个），"
            f"错误 {result.errors} 行；{outcome}"
        )
        self.emit(
            {
                "rows": result.rows,
                **{key: extra.get(key, 0) for key in JSON_KEYS},
                "errors": result.errors,
                "committed": result.committed,
            }
        )
        if result.errors:
            sys.exit(1)
