from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "gonghui.reporting"
    verbose_name = "定期报告"

    def ready(self) -> None:
        from . import setup

        setup.register()
