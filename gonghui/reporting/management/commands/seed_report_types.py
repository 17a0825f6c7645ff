from django.core.management.base import BaseCommand

from gonghui.reporting.types import seed_report_types


class Command(BaseCommand):
    help = "写入定期报告类型（周研判、月督导、季通报、半年总结、年评价、年报）；可重复运行"

    def handle(self, *args, **options):
        created = seed_report_types()
        self.stdout.write(f"已新增报告类型 {created} 个")
