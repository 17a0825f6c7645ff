from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "gonghui.supervision"
    verbose_name = "督导推进"

    def ready(self) -> None:
        from . import tasks_setup  # 工作计划与任务: menu, plan import, task export

        tasks_setup.register()
        from . import lists_setup  # 三清单 and 挂图作战: menu, problem export

        lists_setup.register()
