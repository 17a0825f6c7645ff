"""Move audit rows older than AUDIT_RETENTION_DAYS to a signed JSON-lines file (see core.audit_archive)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gonghui.core.audit_archive import ArchiveError, archive_old_rows


class Command(BaseCommand):
    help = "把早于保留期（AUDIT_RETENTION_DAYS）的审计日志写入签名的归档文件，并从数据库中删除。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", type=Path, help="归档目录（默认 AUDIT_ARCHIVE_DIR）")

    def handle(self, *args, **options) -> None:
        try:
            done = archive_old_rows(options["dir"])
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        if done.archive is None:
            self.stdout.write("没有早于保留期的审计日志需要归档。")
            return
        a = done.archive
        self.stdout.write(f"已归档第 {a.first_id}–{a.last_id} 条审计日志（共 {a.count} 条）到 {done.path}。")
