from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "gonghui.national"
    verbose_name = "全国汇总"

    def ready(self) -> None:
        # The hash table follows memberships; the cross-province check gates joins (core.hooks); the menu.
        from . import setup

        setup.register()
