"""Run by cron once a day: confirm transfer requests left unanswered past their deadline."""

from django.core.management.base import BaseCommand

from gonghui.joining.services import auto_confirm_transfers


class Command(BaseCommand):
    help = "逾期未答复的会籍转接申请自动确认（每日由 cron 运行）"

    def handle(self, *args, **options):
        done = auto_confirm_transfers()
        self.stdout.write(f"自动确认 {done['confirmed']} 件，无法办理并撤销 {done['cancelled']} 件")
