from django.core.management.base import BaseCommand

from gonghui.targets.services import seed_reference


class Command(BaseCommand):
    help = "写入目标指标项（组建数、会员数、其中农民工、其中新业态）和各项建制率指标定义"

    def handle(self, *args, **options):
        counts = seed_reference()
        self.stdout.write(f"指标项 {counts['metrics']} 个，指标 {counts['indicators']} 个")
