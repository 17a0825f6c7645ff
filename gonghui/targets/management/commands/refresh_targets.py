from django.core.management.base import BaseCommand

from gonghui.targets import quality
from gonghui.targets.cube import refresh
from gonghui.targets.indicators import refresh_results as refresh_indicator_results


class Command(BaseCommand):
    help = "刷新会员增减汇总（增量；--full 全量重建）和看板用的指标结果（建议每日运行）"

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="全量重建（会员类别标记修改后）")
        parser.add_argument("--skip-indicators", action="store_true")

    def handle(self, *args, **options):
        result = refresh(full=options["full"])
        self.stdout.write(
            f"汇总：{'重建' if result['rebuilt'] else '增量'}，汇总事件 {result['events_added']} 条，"
            f"水位（已汇总的最大事件编号）{result['watermark']}"
        )
        if not options["skip_indicators"]:
            n = refresh_indicator_results()
            self.stdout.write(f"指标结果：{n} 个节点")
            n = quality.refresh_results()
            self.stdout.write(f"数据质量计数：{n} 个节点")
