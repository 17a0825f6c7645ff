"""Demo data of the honours app (``gonghui.demo.loader.load_app_demo_data`` calls ``load``): the database
of holders first, then the rounds, then dynamic management — each part's own module adds its line."""

from __future__ import annotations


def load(builder, built) -> dict[str, int]:
    from . import demo_manage, demo_titles
    from .demo_rounds import load_rounds

    counts: dict[str, int] = {}
    counts.update(demo_titles.load(builder, built))
    counts.update(load_rounds(built))
    counts.update(demo_manage.load(builder, built))
    return counts
