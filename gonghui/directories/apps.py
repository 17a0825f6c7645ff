from django.apps import AppConfig


class DirectoriesConfig(AppConfig):
    name = "gonghui.directories"
    verbose_name = "名录与未建会清单"

    def ready(self) -> None:
        from . import worklist_setup

        worklist_setup.register()
