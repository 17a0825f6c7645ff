from django.apps import AppConfig


class JoiningConfig(AppConfig):
    name = "gonghui.joining"
    verbose_name = "网上入会"

    def ready(self) -> None:
        from gonghui.core import navigation

        navigation.register("入会审核", "joining:queue", "bi-person-plus", 45)
        navigation.register("会籍转接", "joining:transfer-list", "bi-arrow-left-right", 46)
