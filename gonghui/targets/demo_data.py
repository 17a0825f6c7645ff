"""Demo: the Wuhu 2023 target plan (DOMAIN.md), a 2025 plan (demo join dates span 2021–2025), the
metrics and indicator definitions, the growth cube and today's indicator results."""

from __future__ import annotations

import datetime as dt

from . import cube, indicators, quality
from .services import save_plan, seed_reference

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
CODES = ("founded", "members", "migrant", "new_form")


def _rows(built, scale: float = 1.0):
    rows = []
    for key, *targets in WUHU_2023:
        union = built.unions[key]
        rows.append((union, {code: max(1, round(t * scale)) for code, t in zip(CODES, targets, strict=True)}))
    return rows


def load(builder, built) -> dict[str, int]:
    seed_reference()
    wuhu = built.unions["wuhu"]
    # The real 2023 table, as printed (its targets are for the whole city, far above the demo's size).
    save_plan(
        issuer=wuhu,
        year=2023,
        title="芜湖市总工会2023年基层组织建设净增目标",
        doc_number="芜工发〔2023〕1号",
        issued_on=dt.date(2023, 2, 20),
        rows=_rows(built),
    )
    # 2025: targets in proportion to the demo's size, so that the traffic lights show all three states.
    members = builder.size.members
    save_plan(
        issuer=wuhu,
        year=2025,
        title="芜湖市总工会2025年基层组织建设净增目标",
        doc_number="芜工发〔2025〕3号",
        issued_on=dt.date(2025, 2, 18),
        rows=_rows(built, scale=members / 50000 * 0.35),
    )
    refreshed = cube.refresh(full=True)
    n = indicators.refresh_results()
    quality.refresh_results()
    return {"target_plans": 2, "cube_events": refreshed["events_added"], "indicator_nodes": n}
