from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "gonghui.supervision"
    verbose_name = "督导推进"

    def ready(self) -> None:
        from . import meetings_setup, tasks_setup  # 工作计划与任务; 会议台账与督导提醒

        tasks_setup.register()
        meetings_setup.register()
