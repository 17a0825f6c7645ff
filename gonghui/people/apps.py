from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "gonghui.people"
    verbose_name = "工会工作者"

    def ready(self) -> None:
        from . import setup

        setup.register()
