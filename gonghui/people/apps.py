from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "gonghui.people"
    verbose_name = "工会工作者"

    def ready(self) -> None:
        from gonghui.core import reference as seeding

        from . import reference, setup

        setup.register()
        seeding.seed_after_migrate(self, "Post", reference.seed_from_apps)
