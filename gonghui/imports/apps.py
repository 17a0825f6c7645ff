from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "gonghui.imports"
    verbose_name = "导入导出"
