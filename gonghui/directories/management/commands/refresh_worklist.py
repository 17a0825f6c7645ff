from django.core.management.base import BaseCommand

from gonghui.directories.worklist import refresh_list


class Command(BaseCommand):
    help = "更新未建会清单：网上入会申请人填写的单位列入名录，名录中尚无工会覆盖的单位列入清单，已建会的单位对账销号"

    def handle(self, *args, **options):
        result = refresh_list()
        self.stdout.write(
            f"网上入会新增名录 {result.fed} 条，新列入清单 {result.listed} 项，对账销号 {result.ticked_off} 项"
        )
