from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "gonghui.honours"
    verbose_name = "荣誉与示范点"

    def ready(self) -> None:
        from . import setup  # menu entries and the automatic criteria

        setup.register()
