from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "gonghui.targets"
    verbose_name = "目标与指标"
