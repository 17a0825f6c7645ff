from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "gonghui.supervision"
    verbose_name = "督导推进"

    def ready(self) -> None:
        from . import tasks_setup  # 工作计划与任务: menu, plan import, task export

        tasks_setup.register()
        from . import pairings_setup  # 对口联系: menu, pairing-table import, pairing export

        pairings_setup.register()
