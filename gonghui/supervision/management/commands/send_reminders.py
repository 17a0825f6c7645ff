"""Send the 督导提醒 due today by hand; the worker runs the same service every day at 07:30
(gonghui.supervision.reminders_tasks.send_reminders_task, a periodic task)."""

import json

from django.core.management.base import BaseCommand

from gonghui.supervision.reminders import send_reminders


class Command(BaseCommand):
    help = "发送督导提醒（到期和逾期任务、年底未走访的对口联系、未按时召开的会议）；已发送过的不再发送"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="最后一行输出统计结果")

    def handle(self, *args, **options):
        done = send_reminders()
        if options["json"]:
            self.stdout.write(json.dumps(done, ensure_ascii=False))
        else:
            self.stdout.write(
                f"督导提醒 {done['reminders']} 项，发送 {done['sent']} 条，已发送过 {done['skipped']} 条"
            )
