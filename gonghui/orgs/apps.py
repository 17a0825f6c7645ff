from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "gonghui.orgs"
    verbose_name = "单位与工会组织"

    def ready(self) -> None:
        from gonghui.core import navigation

        navigation.register("单位", "orgs:workplace-list", "bi-building", 20)
        navigation.register("工会组织", "orgs:union-list", "bi-diagram-3", 30)
        navigation.register("组织树", "orgs:union-tree", "bi-list-nested", 31)
