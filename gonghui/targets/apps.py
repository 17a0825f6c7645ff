from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "gonghui.targets"
    verbose_name = "目标与指标"

    def ready(self) -> None:
        from gonghui.core import navigation

        navigation.register("目标任务", "targets:plan-list", "bi-bullseye", 60)
        navigation.register("指标", "targets:indicators", "bi-speedometer2", 61)
        navigation.register("数据质量", "targets:quality", "bi-clipboard-check", 64)
