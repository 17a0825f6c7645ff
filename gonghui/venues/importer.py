"""Import a venue ledger (.xlsx) through the import engine: one row a venue, kinds and statuses by their
Chinese names, the operator union by its full name (inside the uploader's subtree), the county by name or
code. Every row is checked first; a file with any row error writes nothing (a half-imported ledger would
distort the per-county counts). A venue already there (same operator, kind and name) is left as it is.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from gonghui.core.normalize import InvalidValue, clean_text, normalize_date
from gonghui.imports.columns import Column
from gonghui.imports.engine import Progress, Result
from gonghui.imports.reader import Table
from gonghui.orgs.importer import OrgReferences
from gonghui.regions.models import Region

from . import services
from .models import LAT_MAX, LAT_MIN, LNG_MAX, LNG_MIN, Venue, VenueKind

VENUE_COLUMNS = [
    Column("name", "名称", ("阵地名称", "站点名称", "驿站名称"), True, "阵地全称", "鸠江区官陡街道工会驿站"),
    Column(
        "kind",
        "阵地类别",
        ("类别", "类型"),
        True,
        "工会驿站、工人文化宫、职工书屋/书吧、职工服务中心、司机之家、女职工“阳光家园”",
        "工会驿站",
        dynamic_choices=lambda: list(VenueKind.objects.values_list("name", flat=True)),
    ),
    Column("operator", "运营工会", ("所属工会", "建设单位"), True, "系统中已有工会的全称", "鸠江区总工会"),
    Column("region", "所在县区", ("县区", "所在地区"), True, "县区名称或 6 位区划代码", "鸠江区", text=True),
    Column("address", "地址", ("详细地址",), True, "", "芜湖市鸠江区官陡街道某路 1 号"),
    Column(
        "longitude",
        "经度",
        ("经度（国测局坐标）", "经度（GCJ-02）"),
        False,
        "国测局坐标（高德、腾讯地图所用），如 118.4012",
        "118.4012",
    ),
    Column(
        "latitude",
        "纬度",
        ("纬度（国测局坐标）", "纬度（GCJ-02）"),
        False,
        "国测局坐标，如 31.3521",
        "31.3521",
    ),
    Column("opening_hours", "开放时间", (), False, "", "周一至周日 8:00-20:00"),
    Column("stars", "星级", ("星级评定",), False, "1～5，未评星留空", "3"),
    Column(
        "status", "状态", (), False, "在用、停用、筹建；不填为在用", "在用", choices=("在用", "停用", "筹建")
    ),
    Column("opened_on", "建成日期", ("建成时间", "投用日期"), False, "在用的阵地必填", "2024-05-01"),
    Column("closed_on", "停用日期", (), False, "停用的阵地必填", ""),
]


def _decimal(label: str, low: Decimal, high: Decimal):
    def parse(raw) -> Decimal | None:
        text = clean_text(raw)
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise InvalidValue(f"{label}「{text}」不是数字") from None
        if not low <= value <= high:
            raise InvalidValue(f"{label}「{text}」超出范围（{low}～{high}），请检查是否把经度和纬度填反了")
        return value.quantize(Decimal("0.000001"))

    return parse


def _stars(raw) -> int | None:
    text = clean_text(raw).rstrip("星")
    if not text:
        return None
    try:
        value = int(float(text))
    except ValueError:
        raise InvalidValue(f"星级「{text}」须为 1～5 的整数") from None
    if not 1 <= value <= 5 or float(text) != value:
        raise InvalidValue(f"星级「{text}」须为 1～5 的整数")
    return value


class VenueImporter(OrgReferences):
    kind = "venues"
    title = "服务阵地"
    columns = VENUE_COLUMNS
    model = "venues.venue"
    list_url = "venues:venue-list"
    default_column = "operator"

    def resolve_county(self, result, values, bad) -> list:
        def pick(raw):
            text = clean_text(raw)
            if isinstance(raw, float) and raw.is_integer():
                text = str(int(raw))
            if not text:
                raise InvalidValue("所在县区不能为空")
            qs = Region.objects.filter(level=Region.Level.COUNTY)
            hits = list((qs.filter(code=text) if text.isdigit() else qs.filter(name=text))[:2])
            if not hits:
                raise InvalidValue(f"找不到县区「{text}」（须为现行的县级行政区划）")
            if len(hits) > 1:
                raise InvalidValue(f"有多个名为「{text}」的县区，请填写 6 位区划代码")
            return hits[0]

        return self.per_value(result, values, "region", pick, bad)

    def run(self, table: Table, hmap, dry_run: bool, progress: Progress | None = None) -> Result:
        progress = progress or (lambda pct, stage: None)
        result = Result(kind=self.kind, rows=len(table.rows), extra_columns=hmap.extra)
        progress(5, "校验数据")
        bad: set[int] = set()
        col = lambda key: self.column(table, hmap, key)  # noqa: E731
        kinds = [(k.pk, k.name) for k in VenueKind.objects.all()]
        kind_ids = self.resolve_choice(result, col("kind"), "kind", kinds, bad, None)
        operators = self.resolve_union(result, col("operator"), "operator", bad)
        regions = self.resolve_county(result, col("region"), bad)
        lngs = self.per_value(result, col("longitude"), "longitude", _decimal("经度", LNG_MIN, LNG_MAX), bad)
        lats = self.per_value(result, col("latitude"), "latitude", _decimal("纬度", LAT_MIN, LAT_MAX), bad)
        stars = self.per_value(result, col("stars"), "stars", _stars, bad)
        statuses = self.resolve_choice(
            result, col("status"), "status", Venue.Status.choices, bad, Venue.Status.OPEN
        )
        opened = self.per_value(result, col("opened_on"), "opened_on", normalize_date, bad)
        closed = self.per_value(result, col("closed_on"), "closed_on", normalize_date, bad)
        names, addresses, hours = col("name"), col("address"), col("opening_hours")
        existing = set(Venue.objects.values_list("operator_id", "kind_id", "name"))
        seen: dict[tuple, int] = {}
        venues: list[tuple[int, Venue]] = []
        for i in range(len(table.rows)):
            name, address = clean_text(names[i]), clean_text(addresses[i])
            if not name:
                self.error(result, i, "name", "名称不能为空")
                bad.add(i)
            if not address:
                self.error(result, i, "address", "地址不能为空")
                bad.add(i)
            if i in bad:
                continue
            key = (operators[i].pk, kind_ids[i], name)
            if key in seen:
                self.error(
                    result, i, "name", f"与第 {table.excel_row(seen[key])} 行重复（同一运营工会、同类同名）"
                )
                bad.add(i)
                continue
            seen[key] = i
            if key in existing:
                result.skipped += 1
                continue
            venue = Venue(
                name=name[:100],
                kind_id=kind_ids[i],
                operator=operators[i],
                region=regions[i],
                address=address[:200],
                longitude=lngs[i],
                latitude=lats[i],
                opening_hours=clean_text(hours[i])[:100],
                stars=stars[i],
                status=statuses[i],
                opened_on=opened[i],
                closed_on=closed[i],
            )
            try:
                venue.full_clean(exclude=["kind", "operator", "region"], validate_unique=False)
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    key_name = field if field in self.labels else ""
                    for message in messages:
                        self.error(result, i, key_name, message)
                bad.add(i)
                continue
            venues.append((i, venue))
        result.errors = len(result.error_rows())
        result.created = len(venues)
        if result.errors:
            result.created = 0
            result.notes.append("表中有错误行，整个表不导入：请按错误报告修改后重新上传")
        if dry_run or result.errors:
            return result
        progress(60, "写入数据库")
        with transaction.atomic():
            for _i, venue in venues:
                services.save_venue(venue, actor=self.user)
            self.committing(result)
        result.committed = True
        return result
