"""A plan's progress as of a date: target, actual, completion, time elapsed, gap, traffic light, total
row, ranking and the forecast to 31 December. The result is plain JSON so that a snapshot can store it
exactly as it was printed.

Definitions (shown on the plan page too):
- actual = net increase for the row's whole subtree from 1 January of the plan year to ``as_of``;
- time elapsed % = days from 1 January to ``as_of`` (inclusive) ÷ days in the year;
- pace = completion % ÷ time elapsed %. 超进度 (ahead) when pace ≥ 1.05; 序时 (on pace) when
  0.90 ≤ pace < 1.05; 滞后 (behind) below 0.90;
- forecast = actual ÷ elapsed fraction (the current daily pace carried to 31 December); a row "will
  miss" a metric when the forecast is below the target, by target − forecast;
- ranking = by the mean completion % over the plan's computed metrics (ties share a rank).
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from . import cube
from .growth import unions_founded
from .models import Metric, TargetPlan

AHEAD_PACE = 1.05
BEHIND_PACE = 0.90

LIGHTS = {
    "ahead": "超进度",
    "on_pace": "序时",
    "behind": "滞后",
    "none": "—",
}

SOURCE_FIELD = {
    Metric.Source.MEMBERS_NET: "net",
    Metric.Source.MIGRANT_NET: "net_migrant",
    Metric.Source.NEW_FORM_NET: "net_new_form",
}


def elapsed_fraction(year: int, as_of: dt.date) -> float:
    start = dt.date(year, 1, 1)
    end = dt.date(year, 12, 31)
    if as_of < start:
        return 0.0
    if as_of >= end:
        return 1.0
    days = 366 if calendar.isleap(year) else 365
    return ((as_of - start).days + 1) / days


def light_for(completion: float | None, elapsed: float) -> str:
    if completion is None or elapsed <= 0:
        return "none"
    pace = completion / elapsed
    if pace >= AHEAD_PACE:
        return "ahead"
    if pace >= BEHIND_PACE:
        return "on_pace"
    return "behind"


def cell(target: int | None, actual: int | None, elapsed: float) -> dict[str, Any]:
    """One metric of one row."""
    if target is None:
        return {"target": None, "actual": actual, "pct": None, "gap": None, "light": "none"}
    if actual is None:  # a metric the system does not count
        return {"target": target, "actual": None, "pct": None, "gap": None, "light": "none"}
    completion = actual / target if target > 0 else None
    forecast = round(actual / elapsed) if elapsed > 0 else None
    return {
        "target": target,
        "actual": actual,
        "pct": round(completion * 100, 1) if completion is not None else None,
        "gap": target - actual,
        "light": light_for(completion, elapsed),
        "forecast": forecast,
        "will_miss": forecast is not None and forecast < target,
        "shortfall": max(0, target - forecast) if forecast is not None else None,
    }


def compute(plan: TargetPlan, as_of: dt.date) -> dict[str, Any]:
    year = plan.year
    start = dt.date(year, 1, 1)
    end = min(as_of, dt.date(year, 12, 31))
    elapsed = elapsed_fraction(year, as_of)
    metrics = list(plan.metrics.order_by("order", "code"))
    items = plan.items.order_by("row_order", "union__path").values_list(
        "union_id", "union__name", "union__path", "row_order", "metric__code", "target"
    )

    rows_by_union: dict[int, dict[str, Any]] = {}
    for union_id, name, path, row_order, code, target in items:
        row = rows_by_union.setdefault(
            union_id,
            {"union_id": union_id, "name": name, "path": path, "order": row_order, "targets": {}},
        )
        row["targets"][code] = target
    rows = sorted(rows_by_union.values(), key=lambda r: (r["order"], r["path"]))
    paths = [r["path"] for r in rows]

    growth = cube.growth(paths, start, end) if end >= start else {p: {} for p in paths}
    issuer_path = plan.issuer.path
    if end >= start:
        founded = unions_founded(paths, start, end, total_of=issuer_path)
    else:
        founded = dict.fromkeys([*paths, issuer_path], 0)

    def actual_for(metric: Metric, path: str) -> int | None:
        if metric.source == Metric.Source.UNIONS_FOUNDED:
            return founded.get(path, 0)
        field = SOURCE_FIELD.get(metric.source)
        if field is None:
            return None
        return growth.get(path, {}).get(field, 0)

    totals = {m.code: {"target": 0, "actual": 0, "has_target": False, "counted": False} for m in metrics}
    for row in rows:
        row["cells"] = {}
        row["growth"] = growth.get(row["path"], {})
        pcts = []
        for m in metrics:
            target = row["targets"].get(m.code)
            actual = actual_for(m, row["path"])
            c = cell(target, actual, elapsed)
            row["cells"][m.code] = c
            if target is not None:
                totals[m.code]["target"] += target
                totals[m.code]["has_target"] = True
            if actual is not None:
                totals[m.code]["actual"] += actual
                totals[m.code]["counted"] = True
            if c["pct"] is not None:
                pcts.append(c["pct"])
        row["score"] = round(sum(pcts) / len(pcts), 1) if pcts else None
        row["light"] = light_for(row["score"] / 100 if row["score"] is not None else None, elapsed)
        row["behind"] = [m.name for m in metrics if row["cells"][m.code]["light"] == "behind"]
        row["will_miss"] = [
            {"metric": m.name, "code": m.code, "by": row["cells"][m.code]["shortfall"]}
            for m in metrics
            if row["cells"][m.code].get("will_miss")
        ]

    ranked = sorted((r for r in rows if r["score"] is not None), key=lambda r: r["score"], reverse=True)
    previous, rank = None, 0
    for position, row in enumerate(ranked, start=1):
        if row["score"] != previous:
            rank, previous = position, row["score"]
        row["rank"] = rank
    for row in rows:
        row.setdefault("rank", None)

    total_cells = {}
    for m in metrics:
        t = totals[m.code]
        total_cells[m.code] = cell(
            t["target"] if t["has_target"] else None, t["actual"] if t["counted"] else None, elapsed
        )
    total_pcts = [c["pct"] for c in total_cells.values() if c["pct"] is not None]
    total_score = round(sum(total_pcts) / len(total_pcts), 1) if total_pcts else None

    return {
        "plan": {
            "id": plan.pk,
            "title": plan.title,
            "year": year,
            "doc_number": plan.doc_number,
            "issuer": plan.issuer.name,
            "issuer_id": plan.issuer_id,
        },
        "as_of": end.isoformat() if end >= start else as_of.isoformat(),
        "elapsed_pct": round(elapsed * 100, 1),
        "metrics": [{"code": m.code, "name": m.name, "unit": m.unit, "source": m.source} for m in metrics],
        "rows": rows,
        "total": {"cells": total_cells, "score": total_score},
        "ranking": [r["union_id"] for r in ranked],
        # The issuer's whole subtree (rows may leave sub-units out): the dashboard's 本年新建基层工会.
        "issuer_founded": founded[issuer_path],
        "thresholds": {"ahead": AHEAD_PACE, "behind": BEHIND_PACE},
    }


def _month_labels(year: int, as_of: dt.date) -> list[str]:
    start, end = dt.date(year, 1, 1), min(as_of, dt.date(year, 12, 31))
    return [f"{year}-{m:02d}" for m in range(1, (end.month if end >= start else 0) + 1)]


def monthly_from(year: int, as_of: dt.date, months: dict[str, int]) -> dict[str, list]:
    """The series from net changes already counted per month ("2023-01" → n)."""
    labels = _month_labels(year, as_of)
    return {"labels": labels, "net": [months.get(label, 0) for label in labels]}


def monthly_series(plan: TargetPlan, as_of: dt.date, path: str | None = None) -> dict[str, list]:
    """Net member growth per month of the plan year up to ``as_of`` for the issuer (or ``path``)."""
    year = plan.year
    start = dt.date(year, 1, 1)
    end = min(as_of, dt.date(year, 12, 31))
    months = cube.monthly(path or plan.issuer.path, start, end) if _month_labels(year, as_of) else {}
    return monthly_from(year, as_of, months)


def behind_rows(figures: dict[str, Any], n: int = 5) -> list[dict[str, Any]]:
    """The n rows most behind (lowest mean completion)."""
    scored = [r for r in figures["rows"] if r["score"] is not None]
    return sorted(scored, key=lambda r: r["score"])[:n]
