"""What the union-staff register hands core, imports and targets (called from ``PeopleConfig.ready()``):
the menu entries, the export columns, the roster import, the reference tables and settings on the
console, and the staffing indicator."""

from __future__ import annotations

from gonghui.core import exports, navigation


def register() -> None:
    from gonghui.imports import engine

    from . import console, settings, staffing
    from . import exports as columns
    from .importer import UnionWorkerImporter
    from .models import UnionWorker

    navigation.register(
        "工会工作者",
        "people:worker-list",
        "bi-person-badge",
        69,  # beside 配备情况 (same order: registration order keeps them together)
        lambda u: navigation.governs_a_node(u) and u.reads_personal_data,
        section="队伍与阵地",
    )
    navigation.register("配备情况", "people:staffing", "bi-diagram-3", 69, section="队伍与阵地")
    exports.register(
        UnionWorker,
        columns.WORKER_EXPORT,
        sensitive=True,
        related=columns.RELATED,
        masked_headers=columns.MASKED_HEADERS,
    )
    engine.register(UnionWorkerImporter)
    console.register()
    settings.register()
    staffing.register_indicator()
