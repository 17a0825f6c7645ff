"""Demo data of the honours app (``gonghui.demo.loader.load_app_demo_data``): the holders' database
(demo_titles), the selection rounds (demo_rounds), then grants, proposals and 复查 (demo_manage)."""

from __future__ import annotations


def load(builder, built) -> dict[str, int]:
    from .demo_rounds import load_rounds

    counts: dict[str, int] = {}
    counts.update(load_rounds(built))
    return counts
