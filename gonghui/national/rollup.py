"""The national figures: each province's top node (its 省总工会, depth 0) on its latest snapshot on or
before the day asked, and their sum. Indicator rates of the sum are the summed numerators over the summed
denominators (never an average of rates)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Max

from gonghui.targets.indicators import rate

from .models import MembershipHash, NodeSnapshot, Province

FIGURES = (
    ("members", "会员数"),
    ("migrant_members", "其中农民工"),
    ("new_form_members", "其中新就业形态"),
    ("year_joined", "本年新入会"),
    ("year_net", "本年净增"),
    ("grassroots_unions", "基层工会数"),
    ("workplaces", "法人单位数"),
    ("workplaces_covered", "已建会法人单位数"),
)


def rollup(day: dt.date) -> dict[str, Any]:
    provinces = list(Province.objects.order_by("code"))
    latest = dict(
        NodeSnapshot.objects.filter(depth=0, as_of__lte=day)
        .values("province_code")
        .annotate(day=Max("as_of"))
        .values_list("province_code", "day")
    )
    hashes = dict(
        MembershipHash.objects.values("province_code")
        .annotate(n=Count("digest"))
        .values_list("province_code", "n")
    )
    rows, total = [], dict.fromkeys((f for f, _ in FIGURES), 0)
    indicators: dict[str, dict[str, Any]] = {}
    for province in provinces:
        snap = None
        if province.code in latest:
            snap = (
                NodeSnapshot.objects.filter(province_code=province.code, depth=0, as_of=latest[province.code])
                .order_by("node_path")
                .first()
            )
        row: dict[str, Any] = {"code": province.code, "name": province.name, "snapshot": snap}
        row["hashes"] = hashes.get(province.code, 0)
        if snap is not None:
            for field, _ in FIGURES:
                total[field] += getattr(snap, field)
            for code, ind in snap.indicators.items():
                per = ind.get("per", 100)  # 每万名会员… is per 10,000
                acc = indicators.setdefault(
                    code, {"name": ind["name"], "num": 0, "den": 0, "per": per, "by": {}}
                )
                acc["num"] += ind["num"]
                acc["den"] += ind["den"]
                acc["by"][province.code] = rate(ind["num"], ind["den"], per)
        row["cells"] = [getattr(snap, f) for f, _ in FIGURES] if snap is not None else []
        rows.append(row)
    for acc in indicators.values():
        acc["rate"] = rate(acc["num"], acc["den"], acc["per"])
    published = [r for r in rows if r["snapshot"] is not None]
    return {
        "day": day,
        "rows": rows,
        "total": total,
        "total_cells": [total[f] for f, _ in FIGURES],
        "hashes": sum(r["hashes"] for r in rows),
        "indicators": indicators,
        "published": len(published),
        "figures": FIGURES,
    }
