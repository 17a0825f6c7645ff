"""How a plan's figures are laid out for the templates (targets and reports pages): one cell list per row,
the traffic-light badge, the gap label, the drill-down links."""

from __future__ import annotations

from django.urls import reverse

from . import progress
from .models import TargetPlan


def attach_cell_lists(figures: dict) -> dict:
    """Templates cannot index by a variable key: give each row (and the total) its cells in metric order."""
    for row in [*figures["rows"], figures["total"]]:
        row["cell_list"] = [
            {
                "metric": m,
                **row["cells"][m["code"]],
                **light_badge(row["cells"][m["code"]]["light"]),
                "gap_label": gap_label(row["cells"][m["code"]].get("gap")),
            }
            for m in figures["metrics"]
        ]
        row.update(light_badge(row.get("light", "none")))
    return figures


def attach_drill_urls(figures: dict, plan: TargetPlan, linkable: set[int]) -> dict:
    """The drill-down link of every counted cell the viewer may open (None otherwise): one reverse()
    for the page instead of one {% url %} per cell."""
    pattern = reverse("targets:plan-drill", args=[plan.pk, 0, "METRIC"]).replace("/0/", "/{union}/", 1)
    query = f"?as_of={figures['as_of']}"
    for row, union_id in [*((r, r["union_id"]) for r in figures["rows"]), (figures["total"], plan.issuer_id)]:
        for c in row["cell_list"]:
            open_ = c["actual"] is not None and union_id in linkable
            url = pattern.replace("METRIC", c["metric"]["code"]).format(union=union_id) if open_ else None
            c["url"] = url + query if url else None
    return figures


def gap_label(gap: int | None) -> str:
    """目标 − 完成: what is still missing, or 「超额 N」 when the target is passed (never a negative gap)."""
    if gap is None:
        return "—"
    return f"超额 {-gap}" if gap < 0 else str(gap)


LIGHT_CLASSES = {"ahead": "success", "on_pace": "primary", "behind": "danger", "none": "light"}


def light_badge(light: str) -> dict[str, str]:
    return {"light_label": progress.LIGHTS.get(light, "—"), "light_class": LIGHT_CLASSES.get(light, "light")}
