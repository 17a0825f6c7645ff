from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "gonghui.evaluation"
    verbose_name = "年度考核评价"

    def ready(self) -> None:
        from . import setup  # menu entries and the built-in score sources

        setup.register()
