from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "gonghui.supervision"
    verbose_name = "督导推进"
