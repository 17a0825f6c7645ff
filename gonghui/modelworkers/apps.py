from django.apps import AppConfig


class ModelWorkersConfig(AppConfig):
    name = "gonghui.modelworkers"
    verbose_name = "劳模工匠"

    def ready(self) -> None:
        from gonghui.core import reference as seeding

        from . import reference, setup

        setup.register()
        seeding.seed_after_migrate(self, "TitleKind", reference.seed_from_apps)
