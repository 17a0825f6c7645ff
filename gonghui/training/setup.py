"""What training hands core, imports and targets (called from ``TrainingConfig.ready()``): the menu
entries, the session export columns, the roster import, the kinds on the console, the retraining
setting and the person-times indicator."""

from __future__ import annotations

from gonghui.core import exports, navigation
from gonghui.core.exports import attr, display, fk

SESSION_EXPORT = [
    ("培训班名称", attr("title")),
    ("培训类别", fk("kind")),
    ("主办工会", fk("organiser")),
    ("开班日期", attr("start_date")),
    ("结业日期", attr("end_date")),
    ("培训形式", lambda s, full: "线上" if s.online else "线下"),
    ("培训地点", attr("place")),
    ("参训登记方式", display("mode")),
    ("培训人次", attr("person_times")),
    ("状态", display("status")),
]


def register() -> None:
    from gonghui.imports import engine

    from . import console, progress, settings
    from .importer import RosterImporter
    from .models import TrainingSession

    navigation.register("教育培训", "training:session-list", "bi-mortarboard", 73, section="队伍与阵地")
    navigation.register("培训完成情况", "training:progress", "bi-bar-chart-steps", 74, section="队伍与阵地")
    navigation.register(
        "干部轮训情况",
        "training:cadres",
        "bi-person-check",
        75,
        lambda u: navigation.governs_a_node(u) and u.reads_personal_data,
        section="队伍与阵地",
    )
    exports.register(TrainingSession, SESSION_EXPORT, related=("kind", "organiser"))
    engine.register(RosterImporter)
    console.register()
    settings.register()
    progress.register_indicator()
