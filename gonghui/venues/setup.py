"""What venues register with core, the import engine and targets (called from ``VenuesConfig.ready()``):
the menu entries, the venue importer, the list's export columns, the venues-per-10,000 indicator."""

from __future__ import annotations

from gonghui.core import exports, navigation
from gonghui.core.exports import attr, display, fk

INDICATOR_CODE = "venues_per_10k_members"


def _coordinate(name: str):
    return lambda venue, full: "" if getattr(venue, name) is None else str(getattr(venue, name))


def _compliant(venue, full) -> str:
    return {True: "达标", False: "未达标", None: "未检查"}[venue.compliant]


VENUE_EXPORT = [
    ("名称", attr("name")),
    ("阵地类别", fk("kind")),
    ("运营工会", fk("operator")),
    ("所在县区", fk("region")),
    ("地址", attr("address")),
    ("经度", _coordinate("longitude")),
    ("纬度", _coordinate("latitude")),
    ("开放时间", attr("opening_hours")),
    ("星级", lambda venue, full: venue.stars or ""),
    ("状态", display("status")),
    ("建成日期", attr("opened_on")),
    ("停用日期", attr("closed_on")),
    ("达标情况", _compliant),
    ("最近检查", attr("last_inspected_on")),
]


def register() -> None:
    from gonghui.imports import engine
    from gonghui.targets import indicators

    from . import services
    from .importer import VenueImporter
    from .models import Venue

    engine.register(VenueImporter)
    # 服务阵地 after the supervision registers (60–69).
    navigation.register("服务阵地", "venues:venue-list", "bi-geo-alt", 70, section="队伍与阵地")
    navigation.register("阵地地图", "venues:map", "bi-map", 71, section="队伍与阵地")
    navigation.register("新建阵地统计", "venues:summary", "bi-bar-chart", 72, section="队伍与阵地")
    exports.register(Venue, VENUE_EXPORT, related=("kind", "operator", "region"))
    indicators.register(
        INDICATOR_CODE,
        "每万名会员服务阵地数",
        indicators.Definition(
            "在用的服务阵地数",
            "会员数（在会及保留会籍）",
            "个",
            "运营工会在本单位内的服务阵地",
            2,
            "统计日期在用的阵地（建成日期不晚于统计日期、且未在该日前停用）÷ 该日会员数 × 10000；"
            "阵地按运营工会归属。达标线为每万名会员 2 个。",
            per=10000,
            suffix="个/万人",
        ),
        services.venues_per_sub_unit,
        services.venues_per_sub_unit_many,
    )
