"""python manage.py seed_evaluation_sheet --issuer UNION_ID --year YEAR [--json]"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gonghui.orgs.models import UnionOrg

from ...seed import seed_sheet


class Command(BaseCommand):
    help = "按规划达标线生成默认的年度考核评分表"

    def add_arguments(self, parser):
        parser.add_argument("--issuer", type=int, required=True, help="评价单位（工会）编号")
        parser.add_argument("--year", type=int, required=True, help="年度")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON")

    def handle(self, *args, **options):
        issuer = UnionOrg.objects.filter(pk=options["issuer"]).first()
        if issuer is None:
            raise CommandError(f"没有编号为 {options['issuer']} 的工会")
        if not 2000 <= options["year"] <= 2100:
            raise CommandError("年度须在 2000 到 2100 之间")
        try:
            sheet = seed_sheet(issuer, options["year"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(
            f"已生成「{sheet.title}」，共 {sheet.items.count()} 项，满分 {sheet.full_marks():f}"
        )
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"sheet": sheet.pk, "issuer": issuer.pk, "year": sheet.year, "items": sheet.items.count(),
                     "full_marks": float(sheet.full_marks())},
                    ensure_ascii=False,
                )
            )  # fmt: skip
