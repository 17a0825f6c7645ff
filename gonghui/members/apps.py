from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "gonghui.members"
    verbose_name = "会员"

    def ready(self) -> None:
        from gonghui.core import navigation

        navigation.register("会员", "members:member-list", "bi-people", 40)
