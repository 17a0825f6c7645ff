from django.core.management.base import BaseCommand, CommandError

from gonghui.demo.loader import DemoRefused
from gonghui.demo.province import load_province_demo


class Command(BaseCommand):
    help = "载入某省的小型演示数据（省总工会、各市总工会、若干县区的基层工会、单位和会员），供全国汇总演示"

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, help="两位省级行政区划代码，如 32（江苏）")
        parser.add_argument("--members", type=int, default=300, help="会员数（默认 300）")

    def handle(self, *args, province, members, **options):
        try:
            counts = load_province_demo(province, members)
        except DemoRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            "演示数据已载入：工会组织 {unions} 个（其中基层 {grassroots} 个），会员 {members} 名".format(
                **counts
            )
        )
