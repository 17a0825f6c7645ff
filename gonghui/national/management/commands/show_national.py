import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from gonghui.core.params import parse_date
from gonghui.national.rollup import rollup


class Command(BaseCommand):
    help = "显示全国汇总：各省最近一次发布的数据及其合计（--json 输出一行 JSON）"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="统计截止日期（默认今天）")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, as_of=None, **options):
        day = parse_date(as_of, "统计截止日期") if as_of else timezone.localdate()
        data = rollup(day)
        fields = [f for f, _ in data["figures"]]
        if options["json"]:
            out = {
                "as_of": day.isoformat(),
                "provinces": {
                    r["code"]: {
                        "name": r["name"],
                        "as_of": r["snapshot"].as_of.isoformat() if r["snapshot"] else None,
                        "hashes": r["hashes"],
                        **dict(zip(fields, r["cells"], strict=False)),
                    }
                    for r in data["rows"]
                },
                "total": {**data["total"], "hashes": data["hashes"]},
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        labels = [label for _, label in data["figures"]]
        self.stdout.write("\t".join(["省份", "数据日期", *labels, "会籍摘要数"]))
        for r in data["rows"]:
            when = f"{r['snapshot'].as_of:%Y-%m-%d}" if r["snapshot"] else "未发布"
            self.stdout.write("\t".join([r["name"], when, *map(str, r["cells"]), str(r["hashes"])]))
        self.stdout.write(
            "\t".join(["合计", "", *(str(data["total"][f]) for f in fields), str(data["hashes"])])
        )
