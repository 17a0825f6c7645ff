"""Confirm transfer requests left unanswered past their deadline, by hand; the worker runs the same
service every day (gonghui.joining.tasks.auto_confirm_transfers_task, a periodic task)."""

from django.core.management.base import BaseCommand

from gonghui.joining.services import auto_confirm_transfers


class Command(BaseCommand):
    help = "逾期未答复的会籍转接申请自动确认（后台 worker 每日自动运行；也可手动执行）"

    def handle(self, *args, **options):
        done = auto_confirm_transfers()
        self.stdout.write(f"自动确认 {done['confirmed']} 件，无法办理并撤销 {done['cancelled']} 件")
