from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "gonghui.supervision"
    verbose_name = "督导推进"

    def ready(self) -> None:
        # 工作计划与任务; 三清单与挂图作战 (menu, problem export); 对口联系 (menu, pairing-table import,
        # export); 会议台账与督导提醒
        from . import lists_setup, meetings_setup, pairings_setup, tasks_setup

        tasks_setup.register()
        lists_setup.register()
        pairings_setup.register()
        meetings_setup.register()
