from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "gonghui.regions"
    verbose_name = "行政区划"

    def ready(self) -> None:
        from gonghui.core import navigation

        navigation.register("行政区划", "regions:region-list", "bi-map", 10)
