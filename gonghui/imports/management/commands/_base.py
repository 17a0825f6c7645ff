"""Shared body of import_members / import_workplaces / import_unions (and retry_import).

The command acts as a user: ``--user`` names the account whose scope applies (default: the only
active superuser, so an operator on the server can import anywhere; name a county account to be held
to its subtree).

Exit status: 0 committed or a clean dry run; 1 the file has row errors (by default nothing is written
then; with ``--skip-invalid`` the valid rows are written and the errors reported); 2 nothing was done
for another reason: the file was refused (unreadable, wrong columns), the job failed, or the command
line was wrong. With ``--json`` the last line of stdout is a JSON object on every exit, usage errors
included (``{"error": …, "committed": false}`` when nothing ran).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import NoReturn

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.files import copy_out
from gonghui.imports.jobs import run_job
from gonghui.imports.models import ImportJob, union_model
from gonghui.imports.services import create_job

# argparse's own messages, in Chinese: the patterns cover what a user of these commands can get wrong.
_USAGE_MESSAGES = [
    (r"the following arguments are required: (.+)", "缺少必填参数：{0}"),
    (r"unrecognized arguments: (.+)", "无法识别的参数：{0}"),
    (r"argument (\S+): invalid int value: '(.*)'", "参数 {0} 应为整数，而不是「{1}」"),
    (r"argument (\S+): expected one argument", "参数 {0} 后面缺少取值"),
    (r"argument (\S+): ignored explicit argument '(.*)'", "参数 {0} 不接受取值「{1}」"),
]


def usage_message(message: str) -> str:
    for pattern, chinese in _USAGE_MESSAGES:
        match = re.fullmatch(pattern, message.strip())
        if match:
            return "命令参数有误：" + chinese.format(*match.groups())
    return f"命令参数有误：{message}"


class JsonExitCommand(BaseCommand):
    """A command whose every exit, with ``--json``, ends stdout with one JSON line."""

    json_output = False

    def run_from_argv(self, argv):
        self.json_output = "--json" in argv[2:]
        super().run_from_argv(argv)

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        command_line = parser.called_from_command_line

        def error(message):
            if not command_line:
                raise CommandError(usage_message(message), returncode=2)
            parser.print_usage(sys.stderr)
            self.fail(usage_message(message))

        def exit(status=0, message=None):  # --help and --version end here
            if message:
                parser._print_message(message, sys.stderr)
            if command_line and not status:
                self.emit({"help": True, "committed": False})
            sys.exit(status)

        # argparse offers no hook for these two: replaced on this parser only.
        parser.error = error  # type: ignore[method-assign]
        parser.exit = exit  # type: ignore[method-assign]
        return parser

    def execute(self, *args, **options):
        self.json_output = self.json_output or bool(options.get("json"))
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            if not getattr(self, "_called_from_command_line", False):  # set by run_from_argv
                if self.json_output:
                    self.emit({"error": str(exc), "committed": False})
                raise
            self.fail(str(exc), code=exc.returncode or 2)

    def emit(self, payload: dict) -> None:
        if self.json_output:
            self.stdout.write(json.dumps(payload, ensure_ascii=False))

    def fail(self, message: str, code: int = 2, **extra) -> NoReturn:
        self.stderr.write(message)
        self.emit({"error": message, "committed": False, **extra})
        sys.exit(code)


class ImportCommand(JsonExitCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="台账文件（.xlsx / .xls / .csv）")
        parser.add_argument("--union", type=int, help="默认工会的编号（表中所在工会/上级工会留空的行用它）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="有错误的行不导入，只写入其余各行（默认：只要有一行错误，整个文件不写入）",
        )
        parser.add_argument("--report", help="把错误报告另存为此 .xlsx 文件")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 结果")
        parser.add_argument("--user", help="以该用户身份导入（决定管辖范围）；默认为唯一的超级管理员")

    def handle(self, *args, **options):
        user = resolve_user(options["user"])
        path = Path(options["file"])
        default_union = None
        if options["union"]:
            unions = union_model().objects.visible_to(user)
            default_union = unions.filter(pk=options["union"]).first()
            if default_union is None:
                raise CommandError(
                    f"编号为 {options['union']} 的工会不存在或不在用户「{user}」的管辖范围内", returncode=2
                )
        if not path.is_file():
            self.fail(f"找不到文件「{path}」")
        job = create_job(user, self.kind, path, path.name, default_union)
        job.skip_invalid = options["skip_invalid"]
        job.confirmed_at = None if options["dry_run"] else timezone.now()
        job.save(update_fields=["skip_invalid", "confirmed_at"])
        self.run_and_report(job, options["dry_run"], options)

    def run_and_report(self, job: ImportJob, dry_run: bool, options) -> None:
        def echo(percent: int, stage: str) -> None:
            self.stderr.write(f"[{percent:3d}%] {stage}")

        self.stderr.write(f"导入记录 #{job.pk}：{job.file_name}")
        try:
            result = run_job(job, dry_run=dry_run, echo=echo)
        except Exception:  # run_job marked the job failed (and logged the error) before re-raising
            job.refresh_from_db()
            self.fail(job.message, job=job.pk)
        except KeyboardInterrupt:
            job.refresh_from_db()
            self.fail(job.message, code=130, job=job.pk)
        job.refresh_from_db()
        if result is None:
            self.fail(job.message, job=job.pk)
        if dry_run:
            outcome = "未写入（预检）"
        elif result.committed:
            outcome = f"已写入（跳过 {result.errors} 行错误）" if result.errors else "已写入"
        else:
            outcome = (
                f"有 {result.errors} 行错误，整个文件未写入任何数据；"
                f"如只导入其余 {job.valid_rows} 行，请加 --skip-invalid 重新运行"
            )
        self.stderr.write(
            f"共 {result.rows} 行：新增 {result.created}，更新 {result.updated}，未变 {result.skipped}，"
            f"错误 {result.errors}；{outcome}"
        )
        if job.extra_columns:
            self.stderr.write(f"未识别的列（已忽略）：{'、'.join(job.extra_columns)}")
        if options.get("report") and job.report:
            copy_out(job.report, options["report"])  # plain, 0600: the operator asked for this file
            self.stderr.write(f"错误报告：{options['report']}")
        self.emit(result.as_json())
        if result.errors:
            sys.exit(1)


def resolve_user(username: str | None) -> User:
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户「{username}」不存在或已停用", returncode=2)
        if user.union_id is None and not user.is_superuser:
            raise CommandError(f"用户「{username}」未分配所属工会，不能导入", returncode=2)
        if not user.can_edit:
            raise CommandError(f"用户「{username}」的角色只能查看，不能导入", returncode=2)
        return user
    supers = list(User.objects.filter(is_superuser=True, is_active=True)[:2])
    if len(supers) != 1:
        raise CommandError("请用 --user 指定以哪个用户的身份导入（系统中没有唯一的超级管理员）", returncode=2)
    return supers[0]
