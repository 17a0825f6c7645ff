"""What the evaluation app registers with core (called from ``EvaluationConfig.ready()``): its menu entries
and the built-in score sources."""

from __future__ import annotations

from gonghui.core import navigation


def register() -> None:
    from . import builtin

    builtin.register()
    # 年度考核评价: orders 66–67.
    navigation.register("考核评分表", "evaluation:sheet-list", "bi-clipboard-check", 66, section="报送与考核")
    navigation.register("年度考核评价", "evaluation:evaluation-list", "bi-award", 67, section="报送与考核")
