"""What the three lists and the board register with core (called from ``SupervisionConfig.ready()``):
the 三清单 and 挂图作战 menu entries, the problem list's export columns."""

from __future__ import annotations

from gonghui.core import exports, navigation
from gonghui.core.exports import attr, display, fk


def _tasks(problem, full) -> str:
    # The list page annotates the counts (ProblemListView); a bare queryset counts per row.
    total = getattr(problem, "task_count", None)
    if total is None:
        total = problem.tasks.count()
    done = getattr(problem, "done_count", None)
    if done is None:
        done = problem.tasks.filter(status="done").count()
    return f"{done}/{total}"


PROBLEM_EXPORT = [
    ("县级工会", fk("union")),
    ("问题描述", attr("description")),
    ("问题来源", display("source")),
    ("严重程度", display("severity")),
    ("发现日期", attr("found_on")),
    ("督导单位", fk("supervisor")),
    ("整改任务（已销号/共）", _tasks),
    ("状态", display("status")),
]


def register() -> None:
    from .models import Problem

    # 督导推进 (orders 60–69 belong to the supervision app).
    navigation.register("三清单", "supervision:problem-list", "bi-card-checklist", 63, section="目标与督导")
    navigation.register(
        "挂图作战",
        "supervision:board",
        "bi-grid-3x3-gap",
        63,
        section="目标与督导",
    )  # after 三清单 (registered first)
    exports.register(Problem, PROBLEM_EXPORT, related=("union", "supervisor"))
