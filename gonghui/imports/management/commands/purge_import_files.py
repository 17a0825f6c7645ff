"""Delete uploaded ledgers, error reports and exports older than the retention period (cron or by hand;
the task worker also does it every FILE_PURGE_INTERVAL_HOURS)."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand

from gonghui.core import schedule
from gonghui.imports import tasks
from gonghui.imports.jobs import purge_expired_files, seal_legacy_files


class Command(BaseCommand):
    help = "删除超过保留期限的导入文件、错误报告和导出文件（记录保留行数与 SHA-256）"

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true", help="同时在后台任务队列中安排定期清理")
        parser.add_argument(
            "--seal-legacy",
            action="store_true",
            help="先把旧版本以明文保存在 MEDIA_ROOT 下的导入、报告、导出文件加密移入 PRIVATE_FILES_ROOT",
        )

    def handle(self, *args, **options):
        if options["seal_legacy"]:
            moved = seal_legacy_files()
            self.stderr.write(f"已加密移入 {moved} 个旧的明文文件")
        counts = purge_expired_files()
        self.stderr.write(
            f"保留期限 {settings.FILE_RETENTION_DAYS} 天：删除了 {counts['imports']} 个导入、"
            f"{counts['exports']} 个导出的 {counts['files']} 个文件"
        )
        if options["schedule"]:
            scheduled = schedule.ensure_scheduled(only=tasks.purge_expired_files_task)
            self.stderr.write(
                "已安排后台定期清理" if scheduled else "后台定期清理已在队列中（或任务后端不支持定时）"
            )
        self.stdout.write(json.dumps(counts))
