from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "gonghui.reports"
    verbose_name = "统计与通报"

    def ready(self) -> None:
        from gonghui.core import navigation

        navigation.register("数据看板", "reports:dashboard", "bi-bar-chart-line", 62, section="目标与督导")
        navigation.register("通报", "reports:bulletin-list", "bi-file-earmark-text", 63, section="目标与督导")
