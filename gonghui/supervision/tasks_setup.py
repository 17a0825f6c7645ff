"""What plans and tasks register with core and the import engine (called from ``SupervisionConfig.ready()``):
the 督导推进 menu entries, the plan importer, the task list's export columns."""

from __future__ import annotations

from gonghui.core import exports, navigation
from gonghui.core.exports import attr, fk


def _departments(task, full) -> str:
    return "、".join(d.name for d in task.lead_departments.all())


TASK_EXPORT = [
    ("任务", attr("title")),
    ("承办单位", fk("assignee")),
    ("下达单位", fk("issuer")),
    ("牵头部门", _departments),
    ("完成时限", attr("deadline")),
    ("状态", lambda task, full: task.status_label()),
]


def register() -> None:
    from gonghui.imports import engine

    from .models import Task
    from .plans_importer import PlanImporter

    engine.register(PlanImporter)
    # 督导推进: one group of entries (orders 60–69 belong to the supervision app).
    navigation.register("工作计划", "supervision:plan-list", "bi-journal-check", 60, section="目标与督导")
    navigation.register("工作任务", "supervision:task-list", "bi-list-task", 61, section="目标与督导")
    navigation.register("部门", "supervision:department-list", "bi-diagram-2", 62, section="目标与督导")
    exports.register(Task, TASK_EXPORT, related=("assignee", "issuer"))
