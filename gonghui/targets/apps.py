from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "gonghui.targets"
    verbose_name = "目标与指标"

    def ready(self) -> None:
        from gonghui.core import navigation

        navigation.register("目标任务", "targets:plan-list", "bi-bullseye", 60, section="目标与督导")
        navigation.register("指标", "targets:indicators", "bi-speedometer2", 61, section="目标与督导")
        navigation.register("数据质量", "targets:quality", "bi-clipboard-check", 64, section="目标与督导")

        from gonghui.core import console as system_console

        from . import console
        from .indicators import store_indicator_results
        from .quality import store_quality_results

        console.register()  # 目标指标项 on the system administrator's 参考数据 page
        system_console.register_task_label(store_indicator_results, "计算指标")
        system_console.register_task_label(store_quality_results, "计算数据质量")
