from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gonghui.regions.loader import read_divisions
from gonghui.regions.models import Region


class Command(BaseCommand):
    help = "载入 GB/T 2260 行政区划（来自 python-stdnum 附带的区划代码表），可重复执行"

    def add_arguments(self, parser):
        parser.add_argument("--province", help="只载入某省，如 34（安徽）；不填则载入全国")

    @transaction.atomic
    def handle(self, *args, province=None, **options):
        divisions = read_divisions(province)
        if not divisions:
            raise CommandError(f"区划代码表中没有以「{province}」开头的省份")
        by_code = {r.code: r for r in Region.objects.all()}
        created = updated = 0
        # One level at a time, so that every parent has its primary key before its children are written.
        for level in (Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY):
            new, changed = [], []
            for division in (d for d in divisions if d.level == level):
                parent = by_code.get(division.parent_code) if division.parent_code else None
                region = by_code.get(division.code)
                if region is None:
                    new.append(Region(code=division.code, name=division.name, level=level, parent=parent))
                elif (region.name, region.parent_id) != (division.name, parent.pk if parent else None):
                    region.name, region.parent = division.name, parent
                    changed.append(region)
            for region in Region.objects.bulk_create(new):
                by_code[region.code] = region
            Region.objects.bulk_update(changed, ["name", "parent"])
            created, updated = created + len(new), updated + len(changed)
        counts = {level: sum(1 for d in divisions if d.level == level) for level in (1, 2, 3)}
        self.stdout.write(
            f"行政区划：省级 {counts[1]}，地级 {counts[2]}，县级 {counts[3]}（新增 {created}，更新 {updated}）"
        )
