"""The provincial pairing table as the 2022 plan prints it (附件 2): 27 contacts — leaders shown by title
(省总领导 1 …), the federation's departments and industry unions (``plans.PROVINCIAL_DEPARTMENTS``) —
each paired with two county-level unions, 54 distinct counties in all. Used by the tests and the demo;
``write_xlsx`` writes it as the printed table (a title line above the header), mixed separators
included as printed tables have them."""

from __future__ import annotations

import io
from pathlib import Path

from gonghui.orgs.models import UnionKind, UnionOrg
from gonghui.regions.models import Region

from .counties import county_level_unions

TITLE = "安徽省总工会领导和部门对口联系县区一览表"
HEADER = ["序号", "联系人（部门）", "对口联系县区"]

PROVINCIAL_PAIRINGS: list[tuple[int, str, str]] = [
    (1, "省总领导 1", "合肥市肥西县、宣城市宁国市"),
    (2, "省总领导 2", "合肥市长丰县、安庆市桐城市"),
    (3, "省总领导 3", "合肥市肥东县、滁州市天长市"),
    (4, "省总领导 4", "合肥市庐江县、六安市霍邱县"),
    (5, "省总领导 5", "合肥市巢湖市、阜阳市界首市"),
    (6, "省总领导 6", "芜湖市南陵县、黄山市歙县"),
    (7, "省总领导 7", "芜湖市无为市、宿州市萧县"),
    (8, "省总领导 8", "蚌埠市怀远县，池州市东至县"),
    (9, "省总领导 9", "蚌埠市五河县、安庆市潜山市"),
    (10, "省总领导 10", "蚌埠市固镇县、宣城市广德市"),
    (11, "省总领导 11", "淮南市凤台县、滁州市明光市"),
    (12, "省总领导 12", "马鞍山市当涂县、亳州市涡阳县"),
    (13, "办公室（国际联络部）", "马鞍山市含山县、安庆市怀宁县"),
    (14, "组织部", "马鞍山市和县、阜阳市临泉县"),
    (15, "宣传教育部", "淮北市濉溪县 安庆市太湖县"),
    (16, "权益保障部", "铜陵市枞阳县、安庆市宿松县"),
    (17, "劳动和经济工作部", "安庆市望江县、六安市舒城县"),
    (18, "基层工作部", "安庆市岳西县、阜阳市太和县"),
    (19, "网络工作部", "黄山市休宁县、阜阳市阜南县"),
    (20, "女职工部", "黄山市祁门县、阜阳市颍上县"),
    (21, "财务和资产管理部", "滁州市来安县、宿州市砀山县"),
    (22, "经审办", "滁州市全椒县,宿州市灵璧县"),
    (23, "机关党委", "滁州市定远县、六安市金寨县"),
    (24, "省教科文卫体工会", "滁州市凤阳县、六安市霍山县"),
    (25, "省财贸轻纺烟草工会", "亳州市蒙城县、池州市青阳县"),
    (26, "省部属（直管）企事业工会", "宣城市郎溪县、宣城市泾县"),
    (27, "职工服务中心", "宣城市绩溪县、宣城市旌德县"),
]


def places() -> list[tuple[str, str]]:
    """(city name, county name) of every place the table names, in its order."""
    from .pairings import split_places

    out: list[tuple[str, str]] = []
    for _n, _contact, cell in PROVINCIAL_PAIRINGS:
        for place in split_places(cell):
            city, _, county = place.partition("市")  # every place here is written city + county
            out.append((city + "市", county))
    return out


def write_xlsx(target: Path | str | None = None, rows: list[tuple[int, str, str]] | None = None) -> bytes:
    """The table as printed (附件2, the title, the header, the rows); written to ``target`` if given."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("对口联系")
    sheet.write_row(0, 0, ["附件2"])
    sheet.write_row(1, 0, [TITLE])
    sheet.write_row(2, 0, HEADER)
    for i, row in enumerate(rows if rows is not None else PROVINCIAL_PAIRINGS):
        sheet.write_row(3 + i, 0, list(row))
    sheet.set_column(1, 2, 30)
    book.close()
    data = buffer.getvalue()
    if target is not None:
        Path(target).write_bytes(data)
    return data


def ensure_county_unions(province: UnionOrg) -> list[UnionOrg]:
    """The county-level unions the table names, under ``province``: those that exist are used, missing
    cities and counties are created from the region data (the tests' small registry has only Wuhu's
    districts; the demo builds every county). Returns them in the table's order."""
    existing = {u.region_id: u for u in county_level_unions(province) if u.kind == UnionKind.COUNTY}
    regions = Region.objects.filter(code__startswith=province.region.code_prefix).select_related("parent")
    by_name = {
        (r.parent.name if r.parent else "", r.name): r for r in regions if r.level == Region.Level.COUNTY
    }
    unions: list[UnionOrg] = []
    for city_name, county_name in places():
        region = by_name[(city_name, county_name)]
        union = existing.get(region.pk)
        if union is None:
            city = UnionOrg.objects.filter(
                parent=province, kind=UnionKind.CITY, region=region.parent
            ).first() or UnionOrg.objects.create(
                name=f"{region.parent.name}总工会", kind=UnionKind.CITY, parent=province, region=region.parent
            )
            union = UnionOrg.objects.create(
                name=f"{county_name}总工会", kind=UnionKind.COUNTY, parent=city, region=region
            )
            existing[region.pk] = union
        unions.append(union)
    return unions
