"""Shared body of import_members / import_workplaces / import_unions.

The command acts as a user: ``--user`` names the account whose scope applies (default: the only
active superuser, so an operator on the server can import anywhere; name a county account to be held
to its subtree). Exit status: 0 committed or a clean dry run, 1 row errors, 2 the file was refused.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gonghui.accounts.models import User
from gonghui.core.files import copy_out
from gonghui.imports.services import create_job, run_job
from gonghui.orgs.models import UnionOrg


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="台账文件（.xlsx / .xls / .csv）")
        parser.add_argument("--union", type=int, help="默认工会的编号（表中所在工会/上级工会留空的行用它）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--report", help="把错误报告另存为此 .xlsx 文件")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 结果")
        parser.add_argument("--user", help="以该用户身份导入（决定管辖范围）；默认为唯一的超级管理员")

    def handle(self, *args, **options):
        user = self.resolve_user(options["user"])
        path = Path(options["file"])
        default_union = None
        if options["union"]:
            default_union = UnionOrg.objects.visible_to(user).filter(pk=options["union"]).first()
            if default_union is None:
                raise CommandError(f"编号为 {options['union']} 的工会不存在或不在用户「{user}」的管辖范围内")
        if not path.exists():
            self.stderr.write(f"找不到文件「{path}」")
            sys.exit(2)
        job = create_job(user, self.kind, path, path.name, default_union)

        def echo(percent: int, stage: str) -> None:
            self.stderr.write(f"[{percent:3d}%] {stage}")

        result = run_job(job, dry_run=options["dry_run"], echo=echo)
        job.refresh_from_db()
        if result is None:
            self.stderr.write(job.message)
            if options["json"]:
                self.stdout.write(json.dumps({"error": job.message}, ensure_ascii=False))
            sys.exit(2)
        self.stderr.write(
            f"共 {result.rows} 行：新增 {result.created}，更新 {result.updated}，未变 {result.skipped}，"
            f"错误 {result.errors}；{'已写入' if result.committed else '未写入（预检）'}"
        )
        if job.extra_columns:
            self.stderr.write(f"未识别的列（已忽略）：{'、'.join(job.extra_columns)}")
        if options["report"] and job.report:
            copy_out(job.report, options["report"])  # plain, 0600: the operator asked for this file
            self.stderr.write(f"错误报告：{options['report']}")
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json()))
        if result.errors:
            sys.exit(1)

    def resolve_user(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"用户「{username}」不存在或已停用")
            if user.union_id is None and not user.is_superuser:
                raise CommandError(f"用户「{username}」未分配所属工会，不能导入")
            if not user.can_edit:
                raise CommandError(f"用户「{username}」的角色只能查看，不能导入")
            return user
        supers = list(User.objects.filter(is_superuser=True, is_active=True)[:2])
        if len(supers) != 1:
            raise CommandError("请用 --user 指定以哪个用户的身份导入（系统中没有唯一的超级管理员）")
        return supers[0]
