"""Demo: ~200 venues over Wuhu's seven counties — mostly 工会驿站, a few of every other kind — placed at
random points inside each county's outline (the map package's boundaries, so the demo map shows them
where they belong), opened over the last six years, a few closed or still being built, and one or two
inspections each with mixed 六有 results. Written through the services (events and audit rows)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.orgs.models import UnionOrg
from gonghui.regions.models import Region

from . import boundaries, services
from .models import ChecklistItem, Venue, VenueKind

# Per county: how many of each kind (station, palace, reading, service, drivers, sunshine).
PLAN = {
    "镜湖区": (30, 1, 5, 2, 1, 2),
    "鸠江区": (28, 0, 4, 2, 2, 1),
    "弋江区": (20, 1, 3, 1, 1, 1),
    "湾沚区": (16, 0, 2, 1, 1, 1),
    "繁昌区": (15, 0, 2, 1, 1, 1),
    "南陵县": (16, 1, 2, 1, 1, 1),
    "无为市": (25, 1, 3, 1, 2, 2),
}
KIND_CODES = ("station", "palace", "reading", "service", "drivers", "sunshine")
SUFFIX = {
    "station": "工会驿站",
    "palace": "工人文化宫",
    "reading": "职工书屋",
    "service": "职工服务中心",
    "drivers": "司机之家",
    "sunshine": "女职工“阳光家园”",
}
PLACES = [
    "中心广场",
    "公交枢纽",
    "环卫所",
    "快递分拨中心",
    "加油站",
    "物流园",
    "商业街",
    "医院",
    "社区",
    "产业园",
]
HOURS = ["周一至周日 8:00-20:00", "周一至周五 8:30-17:30", "全天开放", "周一至周六 9:00-18:00"]


def _point(rnd: random.Random, polygons: list | None) -> tuple[Decimal, Decimal] | tuple[None, None]:
    if not polygons:
        return None, None
    xs = [p[0] for poly in polygons for p in poly[0]]
    ys = [p[1] for poly in polygons for p in poly[0]]
    for _ in range(500):
        x, y = rnd.uniform(min(xs), max(xs)), rnd.uniform(min(ys), max(ys))
        if boundaries.inside((x, y), polygons):
            return Decimal(f"{x:.6f}"), Decimal(f"{y:.6f}")
    return None, None


def load(builder, built) -> dict[str, int]:
    rnd = random.Random(20240501)
    services.ensure_venue_kinds()
    wuhu: UnionOrg = built.unions["wuhu"]
    actor = User.objects.filter(username="demo-wuhu").first()
    try:
        polygons = boundaries.county_polygons(wuhu.region)
    except boundaries.BoundariesMissing:
        polygons = {}  # npm ci not run: the venues are listed but not placed
    kinds = {k.code: k for k in VenueKind.objects.all()}
    items = {k: list(ChecklistItem.objects.filter(kind=kinds[k])) for k in kinds}
    today = timezone.localdate()
    created = inspected = 0
    for county_name, counts in PLAN.items():
        county_union: UnionOrg = built.unions[county_name]
        region = Region.objects.get(name=county_name, parent=wuhu.region)
        towns = list(UnionOrg.objects.filter(parent=county_union, kind="township"))
        for code, count in zip(KIND_CODES, counts, strict=True):
            for n in range(count):
                operator = (
                    county_union if code != "station" or not towns else rnd.choice([county_union, *towns])
                )
                place = operator.name.removeprefix(county_name).removesuffix("总工会") or county_name
                name = (
                    f"{place}{rnd.choice(PLACES)}{SUFFIX[code]}"
                    if code == "station"
                    else f"{county_name}{SUFFIX[code]}"
                )
                if count > 1 and code != "station":
                    name = f"{county_name}{SUFFIX[code]}（{n + 1}号）"
                if Venue.objects.filter(operator=operator, kind=kinds[code], name=name).exists():
                    name = f"{name[: -len(SUFFIX[code])]}{n + 1}号{SUFFIX[code]}"
                lng, lat = _point(rnd, polygons.get(region.code))
                roll = rnd.random()
                status = (
                    Venue.Status.PLANNED
                    if roll < 0.05
                    else Venue.Status.CLOSED
                    if roll < 0.09
                    else Venue.Status.OPEN
                )
                opened = (
                    None
                    if status == Venue.Status.PLANNED
                    else today - dt.timedelta(days=rnd.randint(20, 6 * 365))
                )
                closed = (
                    opened + dt.timedelta(days=rnd.randint(200, 500))
                    if status == Venue.Status.CLOSED and opened
                    else None
                )
                if closed and closed > today:
                    closed = today
                venue = services.save_venue(
                    Venue(
                        name=name,
                        kind=kinds[code],
                        operator=operator,
                        region=region,
                        address=f"芜湖市{county_name}{place}{rnd.randint(1, 300)}号",
                        longitude=lng,
                        latitude=lat,
                        opening_hours=rnd.choice(HOURS),
                        stars=rnd.choice([None, None, 3, 4, 5, 2]),
                        status=status,
                        opened_on=opened,
                        closed_on=closed,
                    ),
                    actor=actor,
                )
                created += 1
                if not items[code] or opened is None:
                    continue
                # One or two inspections: most pass, a few miss 有制度 or 有人员 (what inspections find).
                for _ in range(rnd.choice([1, 1, 2])):
                    day = min(today, opened + dt.timedelta(days=rnd.randint(10, 700)))
                    weak = {"rules", "staff", "sign"}
                    met = {i.pk: not (i.code in weak and rnd.random() < 0.18) for i in items[code]}
                    services.record_inspection(
                        venue,
                        services.InspectionInput(
                            day, rnd.choice(["市总基层工作部", f"{county_name}总工会"]), met
                        ),
                        actor=actor,
                    )
                    inspected += 1
    # The daily indicator results targets' and supervision's demo data stored were computed before these
    # venues existed: computed again, so that 每万名会员服务阵地数 shows them.
    from gonghui.targets import indicators

    indicators.refresh_results()
    return {"服务阵地": created, "阵地检查": inspected}
