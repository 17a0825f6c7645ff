import time

from django.core.management.base import BaseCommand, CommandError

from gonghui.core.params import ParamError, parse_date
from gonghui.national import services


class Command(BaseCommand):
    help = "发布全国汇总数据：各级总工会的当日汇总快照，并全量校准会籍摘要表（建议每晚运行）"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="统计截止日期（默认今天），如 2026-11-30")
        parser.add_argument("--skip-hashes", action="store_true", help="只发布汇总快照，不校准会籍摘要")

    def handle(self, *args, as_of=None, skip_hashes=False, **options):
        try:
            day = parse_date(as_of, "统计截止日期") if as_of else None
            snap = services.publish_snapshot(day)
            self.stdout.write(
                f"汇总快照：截至 {snap['as_of']:%Y-%m-%d}，{snap['nodes']} 个节点，用时 {snap['seconds']:.2f} 秒"
            )
            if not skip_hashes:
                started = time.perf_counter()
                sync = services.sync_hashes()
                self.stdout.write(
                    f"会籍摘要：有效会籍 {sync['held']} 个，新增 {sync['added']}，删除 {sync['removed']}，"
                    f"用时 {time.perf_counter() - started:.2f} 秒"
                )
        except (services.PublishError, ParamError) as exc:
            raise CommandError(str(exc)) from None
