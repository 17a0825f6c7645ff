"""Enqueue the first run of every periodic task that has none pending (run when the worker starts)."""

from django.core.management.base import BaseCommand

from gonghui.core import schedule


class Command(BaseCommand):
    help = "安排定时任务（如逾期会籍转接自动确认）：未排队的任务加入队列，由后台 worker 按时运行"

    def handle(self, *args, **options):
        enqueued = schedule.ensure_scheduled()
        for path, when in schedule.registered().items():
            state = "已加入队列" if path in enqueued else "已在队列中"
            self.stdout.write(f"{path}：{schedule.describe(when)}，{state}")
