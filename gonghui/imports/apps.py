from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "gonghui.imports"
    verbose_name = "导入导出"

    def ready(self) -> None:
        from gonghui.core import navigation

        navigation.register("导入记录", "imports:job-list", "bi-upload", 70, section="组织与会员")

        from gonghui.core import exports

        from . import tasks  # (also registers the periodic purge of expired files)
        from .engine import list_actions

        exports.register_background(tasks.start_export)  # exports above EXPORT_SYNC_MAX_ROWS
        exports.register_list_actions(list_actions)  # 下载导入模板 / 批量导入 on an importable list

        from . import console

        console.register()  # the system administrator's view of jobs (metadata only)
