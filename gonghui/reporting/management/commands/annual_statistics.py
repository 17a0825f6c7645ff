"""`annual_statistics --node UNION_ID --as-of YYYY-MM-DD [--json]`: the 年报 of a node's subtree on a day,
as tables with the logical checks; with --json the last line is the headline figures."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import CommandError

from gonghui.imports.management.commands._base import JsonExitCommand
from gonghui.orgs.models import UnionOrg
from gonghui.reporting import annual, annual_checks


def _cell(value: int | None) -> str:
    return "—" if value is None else str(value)


class Command(JsonExitCommand):
    help = "统计年报（工会组织和会员统计年报）：按截至日期从台账生成本单位及下级的各表，并做逻辑检查"

    def add_arguments(self, parser):
        parser.add_argument("--node", required=True, help="填报单位（工会编号）")
        parser.add_argument(
            "--as-of", required=True, dest="as_of", help="截至日期，YYYY-MM-DD（通常为 9 月 30 日）"
        )
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 汇总")

    def handle(self, *args, **options):
        try:
            node_id = int(options["node"])
        except (TypeError, ValueError):
            raise CommandError(f"工会编号「{options['node']}」应为整数", returncode=2) from None
        try:
            as_of = dt.date.fromisoformat(options["as_of"])
        except (TypeError, ValueError):
            raise CommandError(
                f"截至日期「{options['as_of']}」应为 YYYY-MM-DD 格式的有效日期", returncode=2
            ) from None
        node = UnionOrg.objects.filter(pk=node_id).first()
        if node is None:
            raise CommandError(f"编号为 {node_id} 的工会不存在", returncode=2)

        rollup = annual.compute_per_node(node, as_of)
        tables = rollup.tables(node.pk)
        failures = annual_checks.check(tables, rollup.sub_units(node.pk))
        start, end = annual.statistical_year(as_of)
        self.stdout.write(f"{node.name} 统计年报（统计年度 {start} 至 {end}），截至 {as_of}")
        for table in tables.tables:
            self.stdout.write(f"\n{table.code} {table.title}（单位：{table.unit}）")
            if table.unavailable:
                self.stdout.write(f"  {table.unavailable}")
                continue
            self.stdout.write("  " + " | ".join(["项目", *(label for _, label in table.columns)]))
            for row in table.rows:
                self.stdout.write(
                    "  " + " | ".join([row.label, *(_cell(row.values[c]) for c, _ in table.columns)])
                )
            if table.note:
                self.stdout.write(f"  注：{table.note}")
        self.stdout.write(f"\n逻辑检查：{'通过' if not failures else f'{len(failures)} 项未通过'}")
        for f in failures:
            records = "、".join(f"{r.kind}「{r.name}」（编号 {r.id}）" for r in f.records if r.id is not None)
            self.stdout.write(f"  {f.where()}：{f.message}" + (f"；涉及{records}" if records else ""))
        if options["json"]:
            payload = {
                "node": node.pk,
                "as_of": as_of.isoformat(),
                **tables.summary(),
                "checks_failed": len(failures),
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
