"""Walk the audit log's hash chain and report the first row that was changed, deleted or inserted."""

from django.core.management.base import BaseCommand, CommandError

from gonghui.core.audit import verify_chain


class Command(BaseCommand):
    help = "校验审计日志哈希链：报告第一条被改动、删除或插入的记录，发现问题时以状态 1 退出。"

    def handle(self, *args, **options) -> None:
        checked, brk = verify_chain()
        if brk is not None:
            raise CommandError(brk.message())
        self.stdout.write(f"审计日志哈希链完整：共校验 {checked} 条记录。")
