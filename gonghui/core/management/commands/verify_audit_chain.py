"""Walk the audit log's hash chain and report the first row that was changed, deleted or inserted."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gonghui.core.audit import verify_chain
from gonghui.core.audit_archive import ArchiveError, verify_archive


class Command(BaseCommand):
    help = "校验审计日志哈希链：报告第一条被改动、删除或插入的记录，发现问题时以状态 1 退出。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--archive", type=Path, help="改为校验一个归档文件（签名、链与归档记录）")

    def handle(self, *args, **options) -> None:
        if options["archive"]:
            try:
                count = verify_archive(options["archive"])
            except ArchiveError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"归档文件签名与哈希链完整：共 {count} 条记录。")
            return
        checked, brk = verify_chain()
        if brk is not None:
            raise CommandError(brk.message())
        self.stdout.write(f"审计日志哈希链完整：共校验 {checked} 条记录。")
