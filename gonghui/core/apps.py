from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gonghui.core"
    verbose_name = "公共"

    def ready(self) -> None:
        from gonghui.core import checks, lookups, navigation  # noqa: F401 (checks registers itself)

        lookups.register()

        navigation.register("首页", "core:home", "bi-house", 0, navigation.anyone)
