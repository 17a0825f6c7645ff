"""What the unorganised list registers with core (called from ``DirectoriesConfig.ready()``): menu
entries, the home page's funnel panel, the export columns of the list."""

from __future__ import annotations

from gonghui.core import exports, home, navigation
from gonghui.core.exports import attr, display, fk

from .models import ListItem


def _entry(name: str):
    return lambda item, full: getattr(item.entry, name)


LIST_EXPORT = [
    ("单位名称", _entry("name")),
    ("统一社会信用代码", lambda item, full: item.entry.uscc or ""),
    # The legal representative's name is the only personal datum of the list (public registration data).
    ("法定代表人", _entry("legal_representative")),
    ("从业人数", _entry("employees")),
    ("行业", lambda item, full: item.entry.get_industry_display()),
    ("住所", _entry("address")),
    ("来源", lambda item, full: str(item.entry.source)),
    ("属地工会", fk("territory")),
    ("状态", display("status")),
    ("领单工会", fk("claimed_by")),
    ("完成期限", attr("due_on")),
    ("销号结果", display("outcome")),
    ("不具备条件原因", display("ineligible_reason")),
    ("所建工会", fk("founded_union")),
]


def register() -> None:
    from gonghui.core import console

    from . import worklist_tasks  # registers the hourly refresh of the lists with core.schedule

    console.register_task_label(worklist_tasks.refresh_worklist_task, "更新未建会清单")

    navigation.register("未建会清单", "worklist:item-list", "bi-list-check", 37, section="未建会排查")
    navigation.register("逾期清单", "worklist:overdue", "bi-alarm", 38, section="未建会排查")
    navigation.register("建会工作数据", "worklist:numbers", "bi-funnel", 39, section="未建会排查")
    home.register_panel("worklist:funnel-panel", 20)
    exports.register(
        ListItem, LIST_EXPORT, related=("entry__source", "territory", "claimed_by", "founded_union")
    )
