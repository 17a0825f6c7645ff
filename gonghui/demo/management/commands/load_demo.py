from django.core.management.base import BaseCommand, CommandError

from gonghui.demo.loader import DEMO_PASSWORD, DemoRefused, DemoSize, demo_loaded, load_demo


class Command(BaseCommand):
    help = "载入演示数据（安徽省组织树、芜湖市详细数据、演示账号）。数据库中已有非演示数据时拒绝执行。"

    def add_arguments(self, parser):
        parser.add_argument("--grassroots", type=int, default=300, help="基层工会数（默认 300）")
        parser.add_argument("--workplaces", type=int, default=2000, help="单位数（默认 2000）")
        parser.add_argument("--members", type=int, default=50000, help="会员数（默认 50000）")
        parser.add_argument("--if-missing", action="store_true", help="已载入演示数据时静默跳过")

    def handle(self, *args, grassroots, workplaces, members, if_missing, **options):
        if if_missing and demo_loaded():
            self.stdout.write("演示数据已载入，跳过")
            return
        try:
            counts = load_demo(DemoSize(grassroots=grassroots, workplaces=workplaces, members=members))
        except DemoRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            "演示数据已载入：工会组织 {unions} 个（其中基层 {grassroots} 个），单位 {workplaces} 个，"
            "会员 {members} 名，演示账号 {users} 个".format(**counts)
        )
        extra = {
            k: v
            for k, v in counts.items()
            if k not in {"unions", "grassroots", "workplaces", "members", "users"}
        }
        for key, value in extra.items():
            self.stdout.write(f"  {key}: {value}")
        self.stdout.write(f"演示账号密码：{DEMO_PASSWORD}")
