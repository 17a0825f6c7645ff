from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gonghui.core"
    verbose_name = "公共"

    def ready(self) -> None:
        from gonghui.core import lookups, navigation

        lookups.register()

        navigation.register("首页", "core:home", "bi-house", 0, navigation.anyone)
