from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "gonghui.imports"
    verbose_name = "导入导出"

    def ready(self) -> None:
        from gonghui.core import navigation

        navigation.register("导入记录", "imports:job-list", "bi-upload", 70)

        from . import tasks  # noqa: F401  (registers the periodic purge of expired files)
