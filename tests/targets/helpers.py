"""Test helpers for targets and reports: the rest of Wuhu's rows, the 2023 table as an .xlsx."""

from __future__ import annotations

import io

import xlsxwriter

from gonghui.orgs.models import UnionKind, UnionOrg
from gonghui.regions.models import Region
from gonghui.targets.services import seed_reference

# The Wuhu 2023 decomposition (DOMAIN.md): label, 组建数, 会员数, 其中农民工, 其中新业态.
WUHU_2023 = [
    ("行业工会", 20, 1000, 1000, 1000),
    ("无为市", 40, 5000, 5000, 1000),
    ("南陵县", 40, 3000, 3000, 1000),
    ("镜湖区", 40, 2000, 2000, 1000),
    ("弋江区", 40, 2000, 2000, 1000),
    ("鸠江区", 40, 2000, 2000, 1000),
    ("湾沚区", 40, 1500, 1500, 1000),
    ("繁昌区", 40, 1500, 1500, 1000),
    ("经开区", 40, 2000, 2000, 1000),
    ("三山经开区", 30, 1500, 1500, 1000),
]
HEADER = ["地区 / 组织", "组建数", "会员数", "其中农民工会员数", "其中新业态会员数"]


def complete_wuhu(registry) -> dict[str, UnionOrg]:
    """Add Wuhu's other county-level unions, 三山经开区 and the industry federation to the registry."""
    seed_reference()
    wuhu = registry.unions["wuhu"]
    region = {r.name: r for r in Region.objects.filter(code__startswith="3402")}
    made = {}
    for name in ("无为市", "南陵县", "弋江区", "湾沚区", "繁昌区"):
        made[name] = UnionOrg.objects.create(
            name=f"{name}总工会", kind=UnionKind.COUNTY, parent=wuhu, region=region.get(name, wuhu.region)
        )
    made["三山经开区"] = UnionOrg.objects.create(
        name="芜湖三山经济开发区总工会", kind=UnionKind.ZONE, parent=wuhu, region=wuhu.region
    )
    made["行业工会"] = UnionOrg.objects.create(
        name="芜湖市行业工会联合会", kind=UnionKind.INDUSTRY_FEDERATION, parent=wuhu, region=wuhu.region
    )
    registry.unions.update({f"row:{k}": v for k, v in made.items()})
    return made


def table_xlsx(
    rows=WUHU_2023, total=(370, 21500, 21500, 10000), title="芜湖市2023年基层组织建设目标任务分解表"
) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("目标分解")
    sheet.merge_range(0, 0, 0, 4, title)
    sheet.write_row(2, 0, HEADER)
    for i, row in enumerate(rows):
        sheet.write_row(3 + i, 0, row)
    if total is not None:
        sheet.write_row(3 + len(rows), 0, ["合计", *total])
    book.close()
    return buf.getvalue()
