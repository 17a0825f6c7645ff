from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "gonghui.training"
    verbose_name = "教育培训"

    def ready(self) -> None:
        from gonghui.core import reference as seeding

        from . import reference, setup

        setup.register()
        seeding.seed_after_migrate(self, "TrainingKind", reference.seed_from_apps)
